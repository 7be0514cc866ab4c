package dev.senda.agent;

import dev.senda.desired.DesiredStateCalculator;
import dev.senda.maps.lb.TestLbMaps;
import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.Node;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.model.TargetPort;
import dev.senda.reconcile.LbReconciler;
import dev.senda.reconcile.SyncReason;
import dev.senda.reconcile.SyncResult;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sync step's contract with the datapath: nothing is written before the source is complete. */
class ServiceSyncTest {
    private static final ObjectRef WEB = new ObjectRef("default", "web");

    @Test
    void writesNothingUntilTheSourceHasSyncedThenProgramsEverything() throws Exception {
        ObjectStore store = new ObjectStore();
        TestSource source = new TestSource();
        TestLbMaps maps = new TestLbMaps();
        try (Metrics metrics = new Metrics()) {
            ServiceSync sync = new ServiceSync(store, source, new DesiredStateCalculator(), "n1",
                    new LbReconciler(maps.maps()), metrics);
            List<dev.senda.desired.LbState> applied = new java.util.ArrayList<>();
            sync.onApplied(applied::add);

            // The Service arrived, its EndpointSlice not yet: programming now would refuse its clients.
            store.put(Kinds.SERVICE, Service.clusterIp(WEB, "10.96.0.1",
                    List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null))));
            SyncResult early = sync.sync(SyncReason.REQUESTED);
            assertTrue(early.success());
            assertFalse(early.complete(), "not complete before the source synced");
            assertTrue(maps.services().isEmpty(), "nothing written before sync: " + maps.services());

            store.put(Kinds.ENDPOINT_SLICE, new EndpointSlice(new ObjectRef("default", "web-1"),
                    Map.of(EndpointSlice.SERVICE_NAME_LABEL, "web"), "web", "IPv4",
                    List.of(new SlicePort("http", "TCP", 8080, null)),
                    List.of(new Endpoint(List.of("10.244.0.5"), new EndpointConditions(true, true, false),
                            "n1", null, null))));
            source.synced = true;
            SyncResult done = sync.sync(SyncReason.REQUESTED);
            assertTrue(done.success() && done.complete(), done.toString());
            assertEquals(2, maps.services().size(), "header + one slot: " + maps.services());
            assertEquals(1, maps.backends().size());
            // listeners (the stale-UDP-socket sweep) hear of applied syncs only, with what was applied
            assertEquals(1, applied.size(), "one applied sync");
            assertEquals(1, applied.getFirst().frontends().size());
        }
    }

    @Test
    void startInputsAreProgrammedUntilTheSourceHasSyncedThenTheSourcesStateReplacesThem() throws Exception {
        ObjectStore store = new ObjectStore();
        TestSource source = new TestSource();
        TestLbMaps maps = new TestLbMaps();
        try (Metrics metrics = new Metrics()) {
            ServiceSync sync = new ServiceSync(store, source, new DesiredStateCalculator(), "n1",
                    new LbReconciler(maps.maps()), metrics);
            List<dev.senda.desired.LbState> applied = new java.util.ArrayList<>();
            sync.onApplied(applied::add);
            // the snapshot after a reboot: web (one endpoint) and old (gone from the API meanwhile)
            ObjectRef old = new ObjectRef("default", "old");
            sync.programUntilSynced(dev.senda.model.Snapshot.builder()
                    .put(Kinds.SERVICE, Service.clusterIp(WEB, "10.96.0.1",
                            List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null))))
                    .put(Kinds.SERVICE, Service.clusterIp(old, "10.96.0.2",
                            List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null))))
                    .put(Kinds.ENDPOINT_SLICE, slice("web-1", "web", "10.244.0.5"))
                    .put(Kinds.ENDPOINT_SLICE, slice("old-1", "old", "10.244.0.6"))
                    .build());

            SyncResult fromSnapshot = sync.sync(SyncReason.REQUESTED);
            assertTrue(fromSnapshot.success() && !fromSnapshot.complete(), "programmed but not complete: " + fromSnapshot);
            assertEquals(List.of("10.96.0.1:80", "10.96.0.2:80"), frontends(maps));
            assertEquals(List.of("10.244.0.5", "10.244.0.6"), backendAddresses(maps));
            assertTrue(applied.isEmpty(), "listeners hear of complete syncs only");
            assertFalse(sync.sync(SyncReason.PERIODIC).complete(), "still waiting for the source");

            // The API answers: web moved to another endpoint, old is gone.
            store.put(Kinds.SERVICE, Service.clusterIp(WEB, "10.96.0.1",
                    List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null))));
            store.put(Kinds.ENDPOINT_SLICE, slice("web-1", "web", "10.244.0.7"));
            source.synced = true;
            SyncResult synced = sync.sync(SyncReason.REQUESTED);
            assertTrue(synced.complete(), synced.toString());
            assertEquals(List.of("10.96.0.1:80"), frontends(maps), "what the API no longer has is pruned");
            assertEquals(List.of("10.244.0.7"), backendAddresses(maps));
            assertEquals(1, applied.size());
        }
    }

    private static void putWeb(ObjectStore store, String endpoint) {
        store.put(Kinds.SERVICE, Service.clusterIp(WEB, "10.96.0.1",
                List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null))));
        store.put(Kinds.ENDPOINT_SLICE, slice("web-1", "web", endpoint));
    }

    /** A computation ahead for a source that has started already. */
    private static DesiredAhead startedAhead(ObjectStore store, TestSource source, DesiredStateCalculator calculator) {
        DesiredAhead ahead = new DesiredAhead(source, store, "n1", calculator.incremental());
        ahead.sourceChanged();
        return ahead;
    }

    private static ServiceSync syncWith(ObjectStore store, TestSource source, DesiredStateCalculator calculator,
                                        DesiredAhead ahead, TestLbMaps maps, Metrics metrics) {
        return new ServiceSync(store, source, calculator, ahead, "n1", new LbReconciler(maps.maps()), metrics,
                java.time.InstantSource.system());
    }

    @Test
    void theFirstSyncProgramsTheDesiredStateComputedAhead() throws Exception {
        ObjectStore store = new ObjectStore();
        putWeb(store, "10.244.0.5");
        TestSource source = TestSource.synced();
        DesiredStateCalculator calculator = new DesiredStateCalculator();
        DesiredAhead ahead = startedAhead(store, source, calculator);
        DesiredAhead.Computed computed = ahead.take(store.generation()).orElseThrow(() ->
                new AssertionError("computed from the store as it is"));
        TestLbMaps maps = new TestLbMaps();
        try (Metrics metrics = new Metrics()) {
            ServiceSync sync = syncWith(store, source, calculator, ahead, maps, metrics);
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertSame(computed.memo(), sync.memo(), "the first sync adopted the computation, not a recomputation");
            assertEquals(List.of("10.96.0.1:80"), frontends(maps));
            assertEquals(List.of("10.244.0.5"), backendAddresses(maps));
            // later syncs go on incrementally from the memo the computation filled
            store.put(Kinds.ENDPOINT_SLICE, slice("web-1", "web", "10.244.0.9"));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(List.of("10.244.0.9"), backendAddresses(maps));
        }
    }

    @Test
    void aDesiredStateComputedAheadIsDroppedWhenTheStoreChangedSince() throws Exception {
        ObjectStore store = new ObjectStore();
        putWeb(store, "10.244.0.5");
        TestSource source = TestSource.synced();
        DesiredStateCalculator calculator = new DesiredStateCalculator();
        DesiredAhead ahead = startedAhead(store, source, calculator);
        long computedAt = store.generation();
        assertTrue(ahead.take(computedAt).isPresent());
        store.put(Kinds.ENDPOINT_SLICE, slice("web-1", "web", "10.244.0.6")); // the endpoint moved meanwhile
        assertTrue(ahead.take(store.generation()).isEmpty(), "not the store's state any more");
        TestLbMaps maps = new TestLbMaps();
        try (Metrics metrics = new Metrics()) {
            ServiceSync sync = syncWith(store, source, calculator, ahead, maps, metrics);
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(List.of("10.244.0.6"), backendAddresses(maps), "computed afresh");
            org.junit.jupiter.api.Assertions.assertNotSame(ahead.take(computedAt).orElseThrow().memo(), sync.memo(),
                    "in the sync's own memo");
        }
    }

    @Test
    void nothingIsComputedAheadBeforeTheSourceHasSyncedNorAfterTheFirstSyncAsked() {
        ObjectStore store = new ObjectStore();
        putWeb(store, "10.244.0.5");
        TestSource source = new TestSource();
        DesiredAhead ahead = new DesiredAhead(source, store, "n1", new DesiredStateCalculator().incremental());
        ahead.sourceChanged();
        source.synced = true; // an API server's lists complete later: the next change starts it
        ahead.sourceChanged();
        assertTrue(ahead.take(store.generation()).isPresent(), "computed once the source had synced");

        DesiredAhead late = new DesiredAhead(TestSource.synced(), store, "n1", new DesiredStateCalculator().incremental());
        assertTrue(late.take(store.generation()).isEmpty(), "the first sync came before the source had synced");
        late.sourceChanged();
        assertTrue(late.take(store.generation()).isEmpty(), "and nothing is computed after it asked");
    }

    private static EndpointSlice slice(String name, String service, String address) {
        return new EndpointSlice(new ObjectRef("default", name), Map.of(EndpointSlice.SERVICE_NAME_LABEL, service), service,
                "IPv4", List.of(new SlicePort("http", "TCP", 8080, null)),
                List.of(new Endpoint(List.of(address), new EndpointConditions(true, true, false), "n1", null, null)));
    }

    @Test
    void aCompleteSyncRecordsKubeProxysChangeCountsAndTheTriggerTimeLatency() throws Exception {
        HealthStateTest.ManualClock clock = new HealthStateTest.ManualClock();
        ObjectStore store = new ObjectStore();
        TestSource source = new TestSource();
        source.synced = true;
        TestLbMaps maps = new TestLbMaps();
        try (Metrics metrics = new Metrics(clock);
             java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            ServiceSync sync = new ServiceSync(store, source, new DesiredStateCalculator(), "n1",
                    new LbReconciler(maps.maps()), metrics, clock);
            clock.advance(java.time.Duration.ofSeconds(5));
            java.time.Instant trigger = clock.instant();
            store.put(Kinds.SERVICE, Service.clusterIp(WEB, "10.96.0.1",
                    List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null))));
            store.put(Kinds.ENDPOINT_SLICE, new EndpointSlice(new ObjectRef("default", "web-1"),
                    Map.of(EndpointSlice.SERVICE_NAME_LABEL, "web"), "web", "IPv4",
                    List.of(new SlicePort("http", "TCP", 8080, null)),
                    List.of(new Endpoint(List.of("10.244.0.5"), new EndpointConditions(true, true, false),
                            "n1", null, null)), java.util.Optional.of(trigger)));
            clock.advance(java.time.Duration.ofMillis(300));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertTrue(sync.sync(SyncReason.PERIODIC).complete(), "a resync changes nothing and measures nothing again");

            int port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));
            String body = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            for (String line : List.of(
                    "kubeproxy_sync_proxy_rules_service_changes_total 1.0",
                    "kubeproxy_sync_proxy_rules_endpoint_changes_total 1.0",
                    "kubeproxy_network_programming_duration_seconds_count 1",
                    "kubeproxy_network_programming_duration_seconds_sum 0.3")) {
                assertTrue(body.contains(line), "missing '" + line + "' in:\n" + body);
            }
        }
    }

    @Test
    void nodePortFrontendsWaitForThisNodesNodeObject() throws Exception {
        ObjectStore store = new ObjectStore();
        TestSource source = new TestSource();
        source.synced = true;
        TestLbMaps maps = new TestLbMaps();
        try (Metrics metrics = new Metrics()) {
            ServiceSync sync = new ServiceSync(store, source, new DesiredStateCalculator(), "n1",
                    new LbReconciler(maps.maps()), metrics);
            store.put(Kinds.SERVICE, new Service(WEB, Map.of(), null, "NodePort", "10.96.0.1", List.of("10.96.0.1"),
                    List.of(), null, List.of(), null,
                    List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), 30080)), null, null, null));
            // Another node's object says nothing about this node.
            store.put(Kinds.NODE, node("n2", "192.168.0.20"));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(List.of("10.96.0.1:80"), frontends(maps), "the cluster IP only, until n1's Node is there");

            store.put(Kinds.NODE, node("n1", "192.168.0.10"));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(List.of("10.96.0.1:80", "192.168.0.10:30080"), frontends(maps));

            store.put(Kinds.NODE, node("n1", "192.168.0.11"));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(List.of("10.96.0.1:80", "192.168.0.11:30080"), frontends(maps), "follows the Node's address");
        }
    }

    @Test
    void topologyHintsFollowThisNodesZoneLabel() throws Exception {
        ObjectStore store = new ObjectStore();
        TestSource source = new TestSource();
        source.synced = true;
        TestLbMaps maps = new TestLbMaps();
        try (Metrics metrics = new Metrics()) {
            ServiceSync sync = new ServiceSync(store, source, new DesiredStateCalculator(), "n1",
                    new LbReconciler(maps.maps()), metrics);
            store.put(Kinds.SERVICE, Service.clusterIp(WEB, "10.96.0.1",
                    List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null))));
            EndpointConditions ready = new EndpointConditions(true, true, false);
            store.put(Kinds.ENDPOINT_SLICE, new EndpointSlice(new ObjectRef("default", "web-1"),
                    Map.of(EndpointSlice.SERVICE_NAME_LABEL, "web"), "web", "IPv4",
                    List.of(new SlicePort("http", "TCP", 8080, null)),
                    List.of(new Endpoint(List.of("10.244.0.5"), ready, "n1", "zone-a", null, List.of("zone-a"), List.of()),
                            new Endpoint(List.of("10.244.1.5"), ready, "n2", "zone-b", null, List.of("zone-b"), List.of()))));
            store.put(Kinds.NODE, zonedNode("n1", "zone-a"));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(List.of("10.244.0.5"), backendAddresses(maps), "zone-a's endpoint only");

            store.put(Kinds.NODE, zonedNode("n1", "zone-b"));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(List.of("10.244.1.5"), backendAddresses(maps), "the node moved to zone-b");

            store.put(Kinds.NODE, node("n1", "192.168.0.10"));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(List.of("10.244.0.5", "10.244.1.5"), backendAddresses(maps), "no zone label: hints ignored");
        }
    }

    private static Node zonedNode(String name, String zone) {
        return new Node(new ObjectRef("", name), Map.of(Node.ZONE_LABEL, zone),
                List.of(new Node.Address("InternalIP", "192.168.0.10")), false, List.of(), null);
    }

    private static List<String> backendAddresses(TestLbMaps maps) {
        return maps.backends().values().stream().map(b -> b.address().toString()).sorted().toList();
    }

    private static Node node(String name, String internalIp) {
        return new Node(new ObjectRef("", name), Map.of(), List.of(new Node.Address("InternalIP", internalIp)), false,
                List.of(), null);
    }

    private static List<String> frontends(TestLbMaps maps) {
        return maps.services().keySet().stream().map(k -> k.address().withPort(k.port())).distinct().sorted().toList();
    }
}
