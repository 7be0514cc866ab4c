package dev.senda.source;

import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.test.Poll;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against fabric8's mock API server in CRUD mode: real list + watch over HTTP and WebSocket, through
 * the same JDK HTTP client {@link KubernetesSource#connect} uses.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesSourceTest {
    KubernetesMockServer server;
    private KubernetesClient client;

    private final ObjectStore store = new ObjectStore();
    private final AtomicInteger changes = new AtomicInteger();
    private KubernetesSource source;

    @BeforeEach
    void client() {
        client = server.createClient(new JdkHttpClientFactory());
    }

    @AfterEach
    void close() {
        if (source != null) source.close();
        client.close();
    }

    private static byte[] bytes(dev.senda.source.snapshot.ObjectJson json) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            json.writeTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(byte[] json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Service service(String ns, String name, String ip, int port) {
        // The mock never allocates cluster IPs: set them like the API server would.
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(ip).withClusterIPs(ip)
                .addNewPort().withName("http").withProtocol("TCP").withPort(port).withNewTargetPort("web").endPort()
                .endSpec().build();
    }

    private static EndpointSlice slice(String ns, String name, String service, String... addresses) {
        EndpointSliceBuilder b = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(ns).withName(name)
                .addToLabels("kubernetes.io/service-name", service).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort();
        for (String a : addresses) {
            b.addNewEndpoint().withAddresses(a).withNewConditions().withReady(true).endConditions()
                    .withNodeName("node-a").endEndpoint();
        }
        return b.build();
    }

    private Snapshot snap() {
        return store.snapshot();
    }

    private void start() {
        source = new KubernetesSource(client);
        source.start(store, changes::incrementAndGet);
        Poll.until(source::hasSynced, "initial sync", this::snap);
        // Also wait for the watches: a test that ends right after the sync would otherwise close the
        // client while fabric8 is still opening them (harmless, but it logs errors).
        Poll.until(source::watching, "watches open", this::snap);
    }

    @Test
    void syncedStoreHoldsEverythingThatExistedBefore() {
        client.resource(service("default", "web", "10.96.0.10", 80)).create();
        client.resource(service("shop", "cart", "10.96.0.11", 81)).create();
        client.resource(slice("default", "web-1", "web", "10.244.0.1", "10.244.0.2")).create();

        start();

        // Checked right when hasSynced() turned true, without waiting for more events.
        Snapshot s = snap();
        assertEquals(Set.of(new ObjectRef("default", "web"), new ObjectRef("shop", "cart")), s.services().keySet());
        assertEquals(Set.of(new ObjectRef("default", "web-1")), s.endpointSlices().keySet());
        dev.senda.model.Service web = s.services().get(new ObjectRef("default", "web"));
        assertEquals("10.96.0.10", web.clusterIP());
        assertEquals(new dev.senda.model.TargetPort.Named("web"), web.ports().getFirst().targetPort());
        dev.senda.model.EndpointSlice slice = s.endpointSlices().get(new ObjectRef("default", "web-1"));
        assertEquals("web", slice.serviceName());
        assertEquals(2, slice.endpoints().size());
        assertEquals(Boolean.TRUE, slice.endpoints().getFirst().conditions().ready());
        Poll.until(() -> changes.get() >= 1, "onChange called", changes::get);
    }

    @Test
    void aPreparedSourceListsBeforeItHasAStoreAndPrimesItAtStart() {
        client.resource(service("default", "web", "10.96.0.10", 80)).create();
        client.resource(slice("default", "web-1", "web", "10.244.0.1")).create();
        source = new KubernetesSource(client);

        assertTrue(source.prepare(), "the lists begin before start");
        assertFalse(source.prepare(), "once only");
        Poll.until(source::informersSynced, "informers listed before start", this::snap);
        assertFalse(source.hasSynced(), "nothing is synced before there is a store");
        assertEquals(Map.of(), snap().services(), "the store is not touched before start");

        source.start(store, changes::incrementAndGet);
        assertTrue(source.hasSynced(), "start primes the store from the informers that listed already");
        assertEquals(Set.of(new ObjectRef("default", "web")), snap().services().keySet());
        assertEquals(Set.of(new ObjectRef("default", "web-1")), snap().endpointSlices().keySet());
        Poll.until(() -> changes.get() >= 1, "onChange called for the primed store", changes::get);

        // events after the start land in the store as ever
        client.resource(service("default", "api", "10.96.0.12", 443)).create();
        Poll.until(() -> snap().services().containsKey(new ObjectRef("default", "api")), "a Service created after start",
                this::snap);
    }

    @Test
    void aPreparedSourceClosesWithoutEverStarting() {
        client.resource(service("default", "web", "10.96.0.10", 80)).create();
        source = new KubernetesSource(client);
        source.prepare();
        Poll.until(source::informersSynced, "informers listed", this::snap);
        source.close();
        assertThrows(IllegalStateException.class, () -> source.start(store, changes::incrementAndGet));
        assertEquals(Map.of(), snap().services());
        source = null;
    }

    @Test
    void cachedObjectJsonIsTheApiObjectsOfEveryKindOnceSyncedAndStillAfterClose() {
        client.resource(service("default", "web", "10.96.0.10", 80)).create();
        client.resource(slice("default", "web-1", "web", "10.244.0.1")).create();
        assertTrue(new KubernetesSource(client).cachedObjectJson().isEmpty(), "nothing before the initial sync");
        start();
        java.util.function.Supplier<List<String>> names = () -> source.cachedObjectJson().orElseThrow().stream()
                .map(KubernetesSourceTest::bytes).map(KubernetesSourceTest::readTree).map(o -> o.path("kind").asText() + " " + o.path("metadata").path("name").asText())
                .sorted().toList();
        // the handlers add each object's JSON just after the caches take the object
        Poll.until(() -> source.cachedObjectJson().map(List::size).orElse(0) == 2, "the JSON of every cached object",
                source::cachedObjectJson);
        assertEquals(List.of("EndpointSlice web-1", "Service web"), names.get());
        source.close();
        assertEquals(List.of("EndpointSlice web-1", "Service web"), names.get(), "the agent's last snapshot is taken after close");
    }

    @Test
    void emptyClusterSyncs() {
        start();
        assertTrue(snap().services().isEmpty());
        Poll.until(() -> changes.get() >= 1, "onChange once synced, so the sync loop notices", changes::get);
    }

    @Test
    void followsCreateUpdateDelete() {
        start();
        ObjectRef web = new ObjectRef("default", "web");
        ObjectRef slice = new ObjectRef("default", "web-1");

        client.resource(service("default", "web", "10.96.1.1", 80)).create();
        Poll.until(() -> snap().services().containsKey(web), "Service created", this::snap);

        client.resource(slice("default", "web-1", "web", "10.244.1.1")).create();
        Poll.until(() -> snap().endpointSlices().containsKey(slice), "EndpointSlice created", this::snap);

        int before = changes.get();
        client.resource(service("default", "web", "10.96.1.1", 8080)).update();
        Poll.until(() -> snap().services().get(web).ports().getFirst().port() == 8080, "Service updated", this::snap);
        // onChange runs right after the store write, on the informer's thread: poll for it too.
        Poll.until(() -> changes.get() > before, "onChange after the update", changes::get);

        client.resource(slice("default", "web-1", "web", "10.244.1.1", "10.244.1.2")).update();
        Poll.until(() -> snap().endpointSlices().get(slice).endpoints().size() == 2, "EndpointSlice updated",
                this::snap);

        client.resource(slice("default", "web-1", "web")).delete();
        Poll.until(() -> !snap().endpointSlices().containsKey(slice), "EndpointSlice deleted", this::snap);

        client.services().inNamespace("default").withName("web").delete();
        Poll.until(() -> snap().services().isEmpty(), "Service deleted", this::snap);
    }

    @Test
    void nodesFlowIntoTheSnapshot() {
        client.resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata().withName("node-a").endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress("192.168.0.10").endAddress()
                .endStatus().build()).create();
        start();
        ObjectRef ref = new ObjectRef("", "node-a");
        assertEquals(java.util.List.of(new dev.senda.model.Node.Address("InternalIP", "192.168.0.10")),
                snap().all(Kinds.NODE).get(ref).addresses());

        client.resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata().withName("node-b").endMetadata().build()).create();
        Poll.until(() -> snap().all(Kinds.NODE).containsKey(new ObjectRef("", "node-b")), "Node created", this::snap);
        client.nodes().withName("node-a").delete();
        Poll.until(() -> !snap().all(Kinds.NODE).containsKey(ref), "Node deleted", this::snap);
    }

    @Test
    void otherNamespacesToo() {
        start();
        client.resource(service("team-a", "api", "10.96.2.1", 443)).create();
        client.resource(slice("team-b", "db-1", "db", "10.244.2.1")).create();
        Poll.until(() -> snap().services().containsKey(new ObjectRef("team-a", "api"))
                        && snap().endpointSlices().containsKey(new ObjectRef("team-b", "db-1")),
                "objects in two namespaces", this::snap);
    }

    @Test
    void keepsTryingUntilTheApiServerAnswers() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free now; nothing listens there until the server below starts
        }
        Config config = new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port)
                .withWatchReconnectInterval(100).withRequestRetryBackoffLimit(0).build();
        KubernetesMockServer late = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        try (KubernetesClient lateClient = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory()).build()) {
            source = new KubernetesSource(lateClient);
            source.start(store, changes::incrementAndGet);
            assertFalse(source.hasSynced());

            late.init(InetAddress.getLoopbackAddress(), port);
            lateClient.resource(service("default", "web", "10.96.3.1", 80)).create();
            Poll.until(source::hasSynced, "sync once the API server is up", this::snap);
            Poll.until(() -> snap().services().containsKey(new ObjectRef("default", "web")), "Service seen",
                    this::snap);
            source.close();
        } finally {
            late.destroy();
        }
    }

    @Test
    void startTwiceFailsAndCloseLeavesTheClientOpen() {
        start();
        assertThrows(IllegalStateException.class, () -> source.start(store, () -> { }));
        source.close();
        source.close();
        // The test's client is not owned by the source: it still works.
        assertTrue(client.services().inAnyNamespace().list().getItems().isEmpty());
        assertTrue(source.describe().startsWith("kubernetes "));
    }

    @Test
    void anyRegisteredKindIsWatched() {
        // A cluster-scoped kind declared only in the test (AnyKindTest): one informer more, nothing else.
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata().withName("team-a").addToLabels("owner", "a").endMetadata().build()).create();
        source = new KubernetesSource(client, AnyKindTest.KINDS);
        source.start(store, changes::incrementAndGet);
        Poll.until(source::hasSynced, "initial sync", this::snap);
        Poll.until(source::watching, "watches open", this::snap);
        ObjectRef teamA = new ObjectRef("", "team-a");
        assertEquals(Map.of("owner", "a"), snap().all(AnyKindTest.NAMESPACE).get(teamA).labels());

        client.namespaces().withName("team-a").delete();
        Poll.until(() -> snap().all(AnyKindTest.NAMESPACE).isEmpty(), "Namespace deleted", this::snap);
    }
}
