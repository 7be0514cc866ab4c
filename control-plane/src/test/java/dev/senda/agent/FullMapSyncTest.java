package dev.senda.agent;

import dev.senda.desired.DesiredStateCalculator;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.TestLbMaps;
import dev.senda.maps.table.FaultInjectingTypedMap;
import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's side of a full service map, as issue 8 found it (7,000 Services in a 65,536-entry map),
 * scaled down: 2,000 Services of 2 endpoints (3 entries each) in a map of 3,000 entries. What does not
 * fit is counted in the metric, named (the first few) in one bounded log line said once, and in the
 * health body; deleting Services that are programmed makes room for the pending ones at the next sync.
 */
class FullMapSyncTest {
    static final int SERVICES = 2000;
    static final int CAPACITY = 3000;
    /** No log line may be longer than this, however many frontends fail. */
    static final int MAX_LINE = 2000;

    static ObjectRef svc(int i) {
        return new ObjectRef("default", String.format("svc-%04d", i));
    }

    static void addService(ObjectStore store, int i) {
        String vip = "10.96." + (i / 250) + "." + (i % 250 + 1);
        store.put(Kinds.SERVICE, Service.clusterIp(svc(i), vip,
                List.of(new ServicePort("http", "TCP", 80, new TargetPort.Number(8080), null))));
        store.put(Kinds.ENDPOINT_SLICE, new EndpointSlice(new ObjectRef("default", svc(i).name() + "-1"),
                Map.of(EndpointSlice.SERVICE_NAME_LABEL, svc(i).name()), svc(i).name(), "IPv4",
                List.of(new SlicePort("http", "TCP", 8080, null)),
                List.of(endpoint("10.244." + (i / 125) + "." + (2 * (i % 125) + 1)),
                        endpoint("10.244." + (i / 125) + "." + (2 * (i % 125) + 2)))));
    }

    static Endpoint endpoint(String ip) {
        return new Endpoint(List.of(ip), new EndpointConditions(true, true, false), "n1", null, null);
    }

    /** Runs {@code action} with stderr (where slf4j-simple logs) captured; returns what it printed. */
    static <T> String captured(Supplier<T> action, List<T> results) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            results.add(action.get());
        } finally {
            System.setErr(saved);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        saved.print(log);
        return log;
    }

    @Test
    void aFullMapIsReportedOnceByNameAndDeletingServicesMakesRoom() throws Exception {
        ObjectStore store = new ObjectStore();
        for (int i = 0; i < SERVICES; i++) addService(store, i);
        TestLbMaps maps = new TestLbMaps(new LbMaps(
                FaultInjectingTypedMap.withCapacity(LbMaps.SERVICES.inMemory(), CAPACITY),
                LbMaps.BACKENDS.inMemory(), LbMaps.REVNATS.inMemory(), LbMaps.SOURCE_RANGES.inMemory()));
        HealthState health = new HealthState(java.time.Duration.ofMinutes(2), java.time.InstantSource.system());
        try (Metrics metrics = new Metrics(); HttpClient client = HttpClient.newHttpClient()) {
            ServiceSync sync = new ServiceSync(store, TestSource.synced(), new DesiredStateCalculator(), "n1",
                    new LbReconciler(maps.maps()), metrics);
            sync.onUnprogrammed(health::setUnprogrammed);
            int port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));

            List<SyncResult> results = new java.util.ArrayList<>();
            String log = captured(() -> sync.sync(SyncReason.REQUESTED), results)
                    + captured(() -> sync.sync(SyncReason.REQUESTED), results)
                    + captured(() -> sync.sync(SyncReason.PERIODIC), results);

            assertFalse(results.getFirst().success());
            assertEquals(CAPACITY, maps.services().size(), "the map is full");
            for (String line : log.split("\n")) {
                assertTrue(line.length() <= MAX_LINE, "a log line of " + line.length() + " characters");
            }
            List<String> reports = log.lines().filter(l -> l.contains("frontends not programmed:")
                    && l.contains("ServiceSync")).toList();
            assertEquals(1, reports.size(), "said once for three syncs that found the same: " + log);
            assertTrue(reports.getFirst().contains("1000 frontends not programmed: default/svc-1000:http "
                    + "(10.96.4.1:80/TCP)"), reports.getFirst());
            assertTrue(reports.getFirst().contains("... (995 more)"), reports.getFirst());
            assertTrue(reports.getFirst().contains("map full (3000 entries)"), reports.getFirst());

            assertTrue(scrape(client, port).contains("senda_frontends_unprogrammed 1000.0"));
            assertTrue(scrape(client, port).contains("senda_programmed_frontends 1000.0"));
            String body = HealthServer.body(health.status());
            assertTrue(body.contains("\"unprogrammedFrontends\": {\"count\": 1000,\"first\": "
                    + "[\"default/svc-1000:http (10.96.4.1:80/TCP)\","), body);
            assertTrue(body.length() < MAX_LINE, "the health body is bounded too: " + body.length());

            // 400 programmed Services deleted (1,200 entries): 400 of the pending ones fit at once.
            for (int i = 0; i < 400; i++) {
                store.remove(Kinds.SERVICE, svc(i));
                store.remove(Kinds.ENDPOINT_SLICE, new ObjectRef("default", svc(i).name() + "-1"));
            }
            assertFalse(sync.sync(SyncReason.REQUESTED).success());
            assertTrue(scrape(client, port).contains("senda_frontends_unprogrammed 600.0"));
            assertTrue(scrape(client, port).contains("senda_programmed_frontends 1000.0"));
            assertTrue(scrape(client, port).contains("senda_map_stale_entries 0.0"), "the deleted ones are gone");

            // 600 more deleted: everything left fits, and the next sync programs it.
            for (int i = 400; i < 1000; i++) {
                store.remove(Kinds.SERVICE, svc(i));
                store.remove(Kinds.ENDPOINT_SLICE, new ObjectRef("default", svc(i).name() + "-1"));
            }
            List<SyncResult> last = new java.util.ArrayList<>();
            String recovered = captured(() -> sync.sync(SyncReason.REQUESTED), last);
            assertTrue(last.getFirst().success() && last.getFirst().complete(), last.toString());
            assertTrue(recovered.contains("every desired frontend is programmed again"), recovered);
            assertEquals(CAPACITY, maps.services().size(), "1000 Services x 3 entries");
            assertTrue(scrape(client, port).contains("senda_frontends_unprogrammed 0.0"));
            assertTrue(scrape(client, port).contains("senda_programmed_frontends 1000.0"));
            assertTrue(HealthServer.body(health.status()).contains("\"unprogrammedFrontends\": {\"count\": 0,\"first\": []}"));
        }
    }

    static String scrape(HttpClient client, int port) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
