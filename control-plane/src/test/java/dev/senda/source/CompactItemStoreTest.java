package dev.senda.source;

import dev.senda.source.snapshot.ObjectJson;
import dev.senda.source.snapshot.SnapshotContent;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactItemStoreTest {
    private final AtomicInteger conversions = new AtomicInteger();
    private final CompactItemStore<Service, dev.senda.model.Service> items = new CompactItemStore<>(Service.class,
            s -> {
                conversions.incrementAndGet();
                return Converters.service(s);
            }, SnapshotContent::objectJson, new PackedJson());

    private static Service service(String name, String version, String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).withResourceVersion(version)
                .addToAnnotations("team", "shop").endMetadata()
                .withNewSpec().withClusterIP(clusterIp).addNewPort().withPort(80).endPort().endSpec().build();
    }

    @Test
    void keepsTheModelAndTheJsonAndHandsFabric8StubsWithKeyAndResourceVersion() {
        Service web = service("web", "7", "10.96.0.10");
        String key = items.getKey(web);
        assertEquals("default/web", key);
        assertNull(items.put(key, web), "nothing before");

        Service stub = items.get(key);
        assertEquals("web", stub.getMetadata().getName());
        assertEquals("default", stub.getMetadata().getNamespace());
        assertEquals("7", stub.getMetadata().getResourceVersion());
        assertNull(stub.getSpec(), "a stub, not the object");
        assertEquals(key, items.getKey(stub), "fabric8 finds the stub's key again");
        assertFalse(items.isFullState(), "fabric8 must hand add notifications the real object");

        assertEquals(List.of(Converters.service(web)), items.models());
        assertTrue(items.json().isEmpty(), "no JSON before the handler saw the object: left out");
        items.attachJson(service("web", "6", "10.96.0.10"));
        assertTrue(items.json().isEmpty(), "another version's JSON is not this entry's");
        items.attachJson(web);
        String json = text(items.json().getFirst());
        assertEquals(new String(SnapshotContent.objectJson(web), StandardCharsets.UTF_8), json);
        assertTrue(json.contains("\"clusterIP\":\"10.96.0.10\"") && json.contains("\"team\":\"shop\""), json);

        Service previous = items.put(key, service("web", "8", "10.96.0.11"));
        assertEquals("7", previous.getMetadata().getResourceVersion(), "fabric8 compares versions to skip replays");
        assertEquals("10.96.0.11", items.models().getFirst().clusterIP());
        assertEquals(List.of(key), items.keySet().toList());
        assertEquals(1, items.size());
        assertEquals(List.of("8"), items.values().map(s -> s.getMetadata().getResourceVersion()).toList());
        assertTrue(text(items.json().getFirst()).contains("10.96.0.10"),
                "until the handler brings the new version's JSON, the previous version's stays");
        items.attachJson(service("web", "8", "10.96.0.11"));
        assertTrue(text(items.json().getFirst()).contains("10.96.0.11"), "then the new version's");

        assertEquals("8", items.remove(key).getMetadata().getResourceVersion());
        assertNull(items.get(key));
        assertNull(items.remove(key));
        assertTrue(items.models().isEmpty());
        assertEquals(List.of(), items.json());
        items.attachJson(web); // a late handler of a removed object changes nothing
        assertEquals(0, items.size());
    }

    @Test
    void aReplayedVersionKeepsItsModelAndTheHandlerGetsItWhileOtherVersionsAreConverted() {
        Service v1 = service("web", "1", "10.96.0.10");
        items.put(items.getKey(v1), v1);
        assertEquals(1, conversions.get());

        dev.senda.model.Service stored = items.models().getFirst();
        assertSame(stored, items.modelOf(service("web", "1", "10.96.0.10")), "the same version: the same instance, no conversion");
        assertEquals(1, conversions.get());

        Service replay = service("web", "1", "10.96.0.10");
        assertEquals("1", items.put(items.getKey(replay), replay).getMetadata().getResourceVersion());
        assertSame(stored, items.models().getFirst(), "a replay of the same version keeps the model held");
        assertEquals(1, conversions.get());

        Service v2 = service("web", "2", "10.96.0.12");
        assertEquals("10.96.0.12", items.modelOf(v2).clusterIP(), "a version the store does not hold is converted");
        assertEquals(2, conversions.get());
        assertEquals("10.96.0.13", items.modelOf(service("other", "1", "10.96.0.13")).clusterIP());
        Service noVersion = service("web", null, "10.96.0.14");
        assertEquals("10.96.0.14", items.modelOf(noVersion).clusterIP());
    }

    @Test
    void anObjectWithoutAVersionGetsItsJsonAtOnce() {
        Service unversioned = service("web", null, "10.96.0.10"); // fabric8 notifies no change between two such
        items.put(items.getKey(unversioned), unversioned);
        assertEquals(1, items.json().size());
    }

    @Test
    void aNewVersionWithAnEqualModelKeepsTheInstanceHeld() {
        Service v1 = service("web", "1", "10.96.0.10");
        items.put(items.getKey(v1), v1);
        dev.senda.model.Service held = items.models().getFirst();
        Service v2 = service("web", "2", "10.96.0.10"); // a change of nothing the model keeps
        items.put(items.getKey(v2), v2);
        assertSame(held, items.models().getFirst(), "one instance, shared with the object store");
        assertSame(held, items.modelOf(v2));
    }

    private static ApiTrees.ServiceTree tree(String name, String version, String clusterIp) {
        String json = """
                {"metadata":{"namespace":"default","name":"%s","resourceVersion":"%s",
                 "managedFields":[{"manager":"kubectl"}]},
                 "spec":{"clusterIP":"%s","ports":[{"port":80,"protocol":"TCP"}]}}""".formatted(name, version, clusterIp);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, ApiTrees.ServiceTree.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aTreeIsPackedAndReleasedAtPutAndALateNotificationOfItTakesTheVersionHeld() {
        ApiBinding<ApiTrees.ServiceTree, dev.senda.model.Service> binding = ApiBinding.trees(Kinds.SERVICE,
                ApiTrees.ServiceTree.class);
        CompactItemStore<ApiTrees.ServiceTree, dev.senda.model.Service> trees = new CompactItemStore<>(
                ApiTrees.ServiceTree.class, binding.model(), binding.json(), new PackedJson());
        ApiTrees.ServiceTree v1 = tree("web", "1", "10.96.0.10");
        String v1Json = new String(binding.json().apply(v1), StandardCharsets.UTF_8);
        String key = trees.getKey(v1);
        trees.put(key, v1);

        assertFalse(v1.hasTree(), "the queued notification holds no tree");
        assertEquals("1", v1.getMetadata().getResourceVersion(), "but its metadata");
        assertEquals(List.of(v1Json), trees.json().stream().map(CompactItemStoreTest::text).toList(),
                "packed at once: no handler needed for the snapshot");
        assertEquals("10.96.0.10", trees.modelOf(v1).clusterIP(), "the handler takes the model kept");
        trees.attachJson(v1); // the handler's call: a released tree has nothing to add
        assertEquals(List.of(v1Json), trees.json().stream().map(CompactItemStoreTest::text).toList());

        trees.put(key, tree("web", "2", "10.96.0.11"));
        assertEquals("10.96.0.11", trees.modelOf(v1).clusterIP(),
                "a late notification of version 1 records the version held, never a conversion of what is left of it");
        trees.attachJson(v1);
        assertTrue(text(trees.json().getFirst()).contains("10.96.0.11"), "and leaves the newer JSON");
        trees.remove(key);
        assertNull(trees.modelOf(v1), "nothing when the object is gone: its delete follows");
    }

    private static String text(ObjectJson kept) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            kept.writeTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(kept.length(), out.size());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void clusterScopedKeysAreTheNameAlone() {
        CompactItemStore<Node, dev.senda.model.Node> nodes = new CompactItemStore<>(Node.class, Converters::node,
                SnapshotContent::objectJson, new PackedJson());
        Node n1 = new NodeBuilder().withNewMetadata().withName("n1").withResourceVersion("3").endMetadata().build();
        assertEquals("n1", nodes.getKey(n1));
        nodes.put("n1", n1);
        Node stub = nodes.get("n1");
        assertEquals("n1", stub.getMetadata().getName());
        assertNull(stub.getMetadata().getNamespace());
        assertEquals("n1", nodes.getKey(stub));
    }
}
