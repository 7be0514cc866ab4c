package dev.senda.source;

import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import io.fabric8.kubernetes.api.model.Namespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kind declared only in this test (a cluster-scoped one, to cover that case too, with its own model
 * record, not {@link Kinds#NAMESPACE}'s): the sources and the store deliver it from its descriptor
 * alone, which is the promise of {@link Kinds}. {@link KubernetesSourceTest#anyRegisteredKindIsWatched()} covers the informer side.
 */
class AnyKindTest {
    /** A model record for the test kind. */
    record TestNamespace(ObjectRef ref, Map<String, String> labels) {
    }

    static final Kind<Namespace, TestNamespace> NAMESPACE = Kind.of(Namespace.class, TestNamespace.class,
            TestNamespace::ref, ns -> new TestNamespace(Converters.ref(ns.getMetadata()),
                    ns.getMetadata().getLabels() == null ? Map.of() : new TreeMap<>(ns.getMetadata().getLabels())));

    static final List<Kind<?, ?>> KINDS = List.of(Kinds.SERVICE, Kinds.ENDPOINT_SLICE, NAMESPACE);

    @TempDir
    Path dir;
    private DirectorySource source;

    @AfterEach
    void close() {
        if (source != null) source.close();
    }

    @Test
    void aDescriptorTakesApiVersionKindAndScopeFromTheFabric8Class() {
        assertEquals("v1 Namespace", NAMESPACE.qualifiedName());
        assertFalse(NAMESPACE.namespaced());
        assertEquals("discovery.k8s.io/v1 EndpointSlice", Kinds.ENDPOINT_SLICE.qualifiedName());
        assertTrue(Kinds.ENDPOINT_SLICE.namespaced());
        assertEquals("v1 Node", Kinds.NODE.qualifiedName());
        assertFalse(Kinds.NODE.namespaced());
        assertEquals("networking.k8s.io/v1 NetworkPolicy", Kinds.NETWORK_POLICY.qualifiedName());
        assertTrue(Kinds.NETWORK_POLICY.namespaced());
        assertFalse(Kinds.NAMESPACE.namespaced());
        assertEquals(List.of(Kinds.SERVICE, Kinds.ENDPOINT_SLICE, Kinds.NODE, Kinds.POD, Kinds.NAMESPACE,
                Kinds.NETWORK_POLICY), Kinds.ALL);
    }

    @Test
    void theRegistryRefusesTwoDescriptorsForOneTable() {
        assertThrows(IllegalArgumentException.class, () -> Kinds.checked(List.of(Kinds.SERVICE, Kinds.SERVICE)));
        var sameType = Kind.of(io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSlice.class,
                dev.senda.model.EndpointSlice.class, dev.senda.model.EndpointSlice::ref, s -> null);
        assertThrows(IllegalArgumentException.class, () -> Kinds.checked(List.of(Kinds.ENDPOINT_SLICE, sameType)));
    }

    @Test
    void yamlAndTheDirectorySourceDeliverARegisteredKind() throws Exception {
        Files.writeString(dir.resolve("all.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: team-a
                  namespace: ignored-for-a-cluster-scoped-kind
                  labels: {owner: a}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: team-a}
                """);
        source = new DirectorySource(dir, Duration.ofMinutes(5), DirectorySource.DEFAULT_MAX_FILE_BYTES, true, KINDS);
        ObjectStore store = new ObjectStore();
        source.start(store, () -> { });

        Snapshot s = store.snapshot();
        assertEquals(Map.of(new ObjectRef("", "team-a"), new TestNamespace(new ObjectRef("", "team-a"), Map.of("owner", "a"))),
                s.all(NAMESPACE));
        assertEquals(List.of(new ObjectRef("team-a", "web")), List.copyOf(s.services().keySet()));

        // The agent's registry reads the same document into its own record (Kinds.NAMESPACE).
        var parsed = YamlObjects.parse(Files.readString(dir.resolve("all.yaml")));
        assertEquals(2, parsed.objectCount());
        assertEquals(0, parsed.ignoredCount());
        assertEquals(Map.of("owner", "a"), parsed.all(Kinds.NAMESPACE).getFirst().labels());
    }
}
