package dev.senda.source;

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

    @Test
    void writesReportChangesAndBumpTheGeneration() {
        ObjectStore store = new ObjectStore();
        assertTrue(store.putService(svc("a", 80)));
        assertEquals(1, store.generation());
        assertFalse(store.putService(svc("a", 80)), "an equal object is no change");
        assertEquals(1, store.generation());
        assertTrue(store.putService(svc("a", 81)));
        assertFalse(store.removeService(new ObjectRef("default", "missing")));
        assertTrue(store.removeService(new ObjectRef("default", "a")));
        assertEquals(3, store.generation());
    }

    @Test
    void snapshotsAreImmutableAndDetached() {
        ObjectStore store = new ObjectStore();
        store.putService(svc("a", 80));
        Snapshot before = store.snapshot();
        store.putService(svc("b", 80));
        assertEquals(1, before.services().size());
        assertEquals(2, store.snapshot().services().size());
        assertThrows(UnsupportedOperationException.class, () -> before.services().clear());
        assertTrue(store.snapshot().generation() > before.generation());
    }

    @Test
    void replaceAllIsOneChange() {
        ObjectStore store = new ObjectStore();
        store.putService(svc("a", 80));
        long g = store.generation();
        assertTrue(store.replaceAll(Map.of(new ObjectRef("default", "b"), svc("b", 80)), Map.of()));
        assertEquals(g + 1, store.generation());
        assertEquals(List.of(new ObjectRef("default", "b")), List.copyOf(store.snapshot().services().keySet()));
        assertFalse(store.replaceAll(Map.of(new ObjectRef("default", "b"), svc("b", 80)), Map.of()));
    }
}
