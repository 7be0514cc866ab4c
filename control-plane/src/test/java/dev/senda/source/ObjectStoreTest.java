package dev.senda.source;

import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectKind;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServicePort;
import dev.senda.model.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectStoreTest {
    private static Service svc(String name, int port) {
        return Service.clusterIp(new ObjectRef("default", name), "10.96.0.1",
                List.of(new ServicePort("", null, port, null, null)));
    }

    private static EndpointSlice slice(String name) {
        return new EndpointSlice(new ObjectRef("default", name), Map.of(), "a", "IPv4", List.of(), List.of());
    }

    @Test
    void writesReportChangesAndBumpTheGeneration() {
        ObjectStore store = new ObjectStore();
        assertTrue(store.put(Kinds.SERVICE, svc("a", 80)));
        assertEquals(1, store.generation());
        assertFalse(store.put(Kinds.SERVICE, svc("a", 80)), "an equal object is no change");
        assertEquals(1, store.generation());
        assertTrue(store.put(Kinds.SERVICE, svc("a", 81)));
        assertFalse(store.remove(Kinds.SERVICE, new ObjectRef("default", "missing")));
        assertFalse(store.remove(Kinds.ENDPOINT_SLICE, new ObjectRef("default", "a")), "kinds are apart");
        assertTrue(store.remove(Kinds.SERVICE, new ObjectRef("default", "a")));
        assertEquals(3, store.generation());
    }

    @Test
    void kindsHaveTablesOfTheirOwn() {
        ObjectStore store = new ObjectStore();
        store.put(Kinds.SERVICE, svc("a", 80));
        store.put(Kinds.ENDPOINT_SLICE, slice("a"));
        Snapshot s = store.snapshot();
        assertEquals(List.of(new ObjectRef("default", "a")), List.copyOf(s.all(Kinds.SERVICE).keySet()));
        assertEquals(List.of(new ObjectRef("default", "a")), List.copyOf(s.all(Kinds.ENDPOINT_SLICE).keySet()));
        // The shorthands desired state uses read the same tables.
        assertEquals(s.all(Kinds.SERVICE), s.services());
        assertEquals(s.all(Kinds.ENDPOINT_SLICE), s.endpointSlices());
        assertEquals(2, s.size());
    }

    /** A complete relist of some kinds: what it lacks goes, what it holds stays or changes, other kinds untouched. */
    @Test
    void replaceKindsReplacesOnlyTheListedKinds() {
        ObjectStore store = new ObjectStore();
        store.put(Kinds.SERVICE, svc("kept", 80));
        store.put(Kinds.SERVICE, svc("deleted", 80));
        store.put(Kinds.ENDPOINT_SLICE, slice("other-kind"));
        long before = store.generation();
        Snapshot listed = Snapshot.builder().put(Kinds.SERVICE, svc("kept", 80)).put(Kinds.SERVICE, svc("added", 81)).build();

        assertTrue(store.replaceKinds(listed, List.of(Kinds.SERVICE)));
        assertEquals(before + 1, store.generation(), "one change, seen by readers at once");
        Snapshot s = store.snapshot();
        assertEquals(List.of(new ObjectRef("default", "added"), new ObjectRef("default", "kept")),
                List.copyOf(s.all(Kinds.SERVICE).keySet()));
        assertEquals(List.of(new ObjectRef("default", "other-kind")), List.copyOf(s.all(Kinds.ENDPOINT_SLICE).keySet()));
        long unchanged = store.generation();
        Service relisted = svc("kept", 80); // equal, another instance: a relist converts everything afresh
        assertFalse(store.replaceKinds(Snapshot.builder().put(Kinds.SERVICE, relisted).put(Kinds.SERVICE, svc("added", 81))
                .build(), List.of(Kinds.SERVICE)), "the same list again changes nothing");
        assertEquals(unchanged, store.generation());
        org.junit.jupiter.api.Assertions.assertSame(relisted,
                store.snapshot().all(Kinds.SERVICE).get(new ObjectRef("default", "kept")),
                "but the store holds the list's instances, which the informers' caches hold too (one copy, not two)");
        assertTrue(store.replaceKinds(Snapshot.empty(), List.of(Kinds.ENDPOINT_SLICE)), "an empty complete list empties the kind");
        assertTrue(store.snapshot().all(Kinds.ENDPOINT_SLICE).isEmpty());
    }

    @Test
    void aKindNeverPutReadsAsEmpty() {
        record Other(ObjectRef ref) {
        }
        ObjectKind<Other> other = ObjectKind.of("Other", Other.class, Other::ref);
        assertTrue(new ObjectStore().snapshot().all(other).isEmpty());
        assertTrue(Snapshot.empty().all(Kinds.SERVICE).isEmpty());
    }

    @Test
    void anObjectOfTheWrongTypeIsRefused() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        ObjectKind<Object> wrong = (ObjectKind) Kinds.SERVICE;
        assertThrows(IllegalArgumentException.class, () -> new ObjectStore().put(wrong, slice("x")));
    }

    @Test
    void snapshotsAreImmutableAndDetached() {
        ObjectStore store = new ObjectStore();
        store.put(Kinds.SERVICE, svc("a", 80));
        Snapshot before = store.snapshot();
        store.put(Kinds.SERVICE, svc("b", 80));
        assertEquals(1, before.services().size());
        assertEquals(2, store.snapshot().services().size());
        assertThrows(UnsupportedOperationException.class, () -> before.services().clear());
        assertTrue(store.snapshot().generation() > before.generation());
    }

    @Test
    void replaceAllIsOneChangeOverEveryKind() {
        ObjectStore store = new ObjectStore();
        store.put(Kinds.SERVICE, svc("a", 80));
        store.put(Kinds.ENDPOINT_SLICE, slice("a-1"));
        long g = store.generation();
        Snapshot content = Snapshot.of(List.of(svc("b", 80)), List.of());
        assertTrue(store.replaceAll(content));
        assertEquals(g + 1, store.generation());
        assertEquals(List.of(new ObjectRef("default", "b")), List.copyOf(store.snapshot().services().keySet()));
        assertTrue(store.snapshot().endpointSlices().isEmpty(), "a kind absent from the content is emptied");
        assertFalse(store.replaceAll(Snapshot.of(List.of(svc("b", 80)), List.of())), "same content, no change");
        assertEquals(g + 1, store.generation());
        assertTrue(store.replaceAll(Snapshot.empty()));
        assertEquals(0, store.snapshot().size());
    }
}
