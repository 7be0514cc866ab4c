package dev.senda.e2e;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The indexed store answers as fabric8's own: conflicts, updates, deletes and lists by namespace. */
class NameIndexedCrudDispatcherTest {
    @Test
    void createConflictUpdateDeleteAndListBehaveAsTheStockStore() {
        KubernetesMockServer server = startServer();
        try (KubernetesClient client = server.createClient()) {
            client.resource(service("a", "one", "10.96.0.1")).create();
            client.resource(service("b", "one", "10.96.0.2")).create(); // same name, other namespace
            client.resource(service("a", "two", "10.96.0.3")).create();

            KubernetesClientException conflict = assertThrows(KubernetesClientException.class,
                    () -> client.resource(service("a", "one", "10.96.0.9")).create());
            assertEquals(409, conflict.getCode());

            client.resource(service("a", "one", "10.96.0.4")).update();
            assertEquals("10.96.0.4", client.services().inNamespace("a").withName("one").get().getSpec().getClusterIP());
            assertEquals("10.96.0.2", client.services().inNamespace("b").withName("one").get().getSpec().getClusterIP());

            client.services().inNamespace("a").withName("one").delete();
            assertNull(client.services().inNamespace("a").withName("one").get());
            assertEquals(List.of("two"), client.services().inNamespace("a").list().getItems().stream()
                    .map(s -> s.getMetadata().getName()).toList());
            client.resource(service("a", "one", "10.96.0.5")).create(); // the name is free again
            assertEquals(3, client.services().inAnyNamespace().list().getItems().size());
        } finally {
            server.destroy();
        }
    }

    @Test
    void listsWithALimitComeInPagesLinkedByContinueTokens() {
        KubernetesMockServer server = startServer();
        try (KubernetesClient client = server.createClient()) {
            for (int i = 0; i < 5; i++) client.resource(service("a", "s" + i, "10.96.0." + (i + 1))).create();
            List<String> names = new java.util.ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                var options = new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(2L).withContinue(token).build();
                var page = client.services().inAnyNamespace().list(options);
                assertTrue(page.getItems().size() <= 2, "a page holds at most the limit");
                page.getItems().forEach(s -> names.add(s.getMetadata().getName()));
                token = page.getMetadata().getContinue();
                pages++;
            } while (token != null && !token.isEmpty() && pages < 10);
            assertEquals(3, pages);
            assertEquals(List.of("s0", "s1", "s2", "s3", "s4"), names.stream().sorted().toList());
            assertEquals(5, client.services().inAnyNamespace().list().getItems().size(), "no limit: one response");
        } finally {
            server.destroy();
        }
    }

    /** An informer's watch after its list gets what changed since, not every object again; a plain watch gets all. */
    @Test
    void aWatchFromAResourceVersionIsSentOnlyNewerObjects() throws InterruptedException {
        KubernetesMockServer server = startServer();
        try (KubernetesClient client = server.createClient()) {
            Service old = client.resource(service("a", "old", "10.96.0.1")).create();
            client.resource(service("a", "new", "10.96.0.2")).create();
            java.util.concurrent.BlockingQueue<String> seen = new java.util.concurrent.LinkedBlockingQueue<>();
            io.fabric8.kubernetes.client.Watcher<Service> record = new io.fabric8.kubernetes.client.Watcher<>() {
                @Override
                public void eventReceived(Action action, Service s) {
                    seen.add(action + " " + s.getMetadata().getName());
                }

                @Override
                public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                }
            };
            var since = new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                    .withResourceVersion(old.getMetadata().getResourceVersion()).build();
            try (var watch = client.services().inAnyNamespace().watch(since, record)) {
                // stored in creation order, so a replay of everything would send "old" first
                assertEquals("ADDED new", seen.poll(10, java.util.concurrent.TimeUnit.SECONDS));
                client.resource(service("a", "later", "10.96.0.3")).create();
                assertEquals("ADDED later", seen.poll(10, java.util.concurrent.TimeUnit.SECONDS), "live events still come");
            }
            seen.clear();
            try (var watch = client.services().inAnyNamespace().watch(record)) {
                List<String> all = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) all.add(seen.poll(10, java.util.concurrent.TimeUnit.SECONDS));
                assertEquals(List.of("ADDED later", "ADDED new", "ADDED old"), all.stream().sorted().toList());
            }
        } finally {
            server.destroy();
        }
    }


    @Test
    void versionIsAVersionNotAListOfEveryObject() throws Exception {
        KubernetesMockServer server = startServer();
        try (KubernetesClient client = server.createClient()) {
            client.resource(service("a", "one", "10.96.0.1")).create();
            var http = client.getHttpClient();
            var response = http.sendAsync(http.newHttpRequestBuilder()
                    .uri(java.net.URI.create(client.getMasterUrl() + "version")).build(), String.class).get();
            assertEquals(200, response.code());
            assertEquals(NameIndexedCrudDispatcher.VERSION, response.body());
        } finally {
            server.destroy();
        }
    }

    private static Service service(String namespace, String name, String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).endSpec().build();
    }

    /** A mock API server with this dispatcher (the scale test's), on a free loopback port. */
    private static KubernetesMockServer startServer() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new NameIndexedCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }
}
