package dev.senda.source;

import dev.senda.model.EndpointSlice;
import dev.senda.model.Node;
import dev.senda.model.ObjectRef;
import dev.senda.model.Pod;
import dev.senda.model.Service;
import dev.senda.model.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ObjectStore#takeChanges()}: which Services a change dirties, and what makes the changes full. */
class ObjectStoreChangesTest {
    private static final ObjectRef WEB = new ObjectRef("default", "web");
    private static final ObjectRef API = new ObjectRef("default", "api");

    private static Service service(ObjectRef ref, String ip) {
        return Service.clusterIp(ref, ip, List.of());
    }

    private static EndpointSlice slice(String name, String service, String ip) {
        return new EndpointSlice(new ObjectRef("default", name),
                service == null ? Map.of() : Map.of(EndpointSlice.SERVICE_NAME_LABEL, service), service, "IPv4",
                List.of(), List.of(new dev.senda.model.Endpoint(List.of(ip), dev.senda.model.EndpointConditions.UNSET,
                        null, null, null)));
    }

    @Test
    void aServiceAndASliceDirtyTheServiceWithItsCurrentSlices() {
        ObjectStore store = new ObjectStore();
        store.takeChanges();
        store.put(Kinds.SERVICE, service(WEB, "10.96.0.1"));
        EndpointSlice s1 = slice("web-1", "web", "10.1.0.1");
        store.put(Kinds.ENDPOINT_SLICE, s1);
        ServiceChanges c = store.takeChanges();
        assertFalse(c.full());
        assertFalse(c.policyChanged());
        assertEquals(Set.of(WEB), c.services().keySet());
        assertEquals(Optional.of(service(WEB, "10.96.0.1")), c.services().get(WEB));
        assertEquals(List.of(s1), c.slicesOf().get(WEB));
        assertEquals(Map.of(s1.ref(), Optional.of(s1)), c.slices());
        assertTrue(c.firstChangeNanos() != 0);
        assertTrue(store.takeChanges().isEmpty(), "taken once");

        // An update that changes nothing is no change.
        store.put(Kinds.SERVICE, service(WEB, "10.96.0.1"));
        assertTrue(store.takeChanges().isEmpty());
    }

    @Test
    void aSliceMovingToAnotherServiceDirtiesBoth() {
        ObjectStore store = new ObjectStore();
        store.put(Kinds.ENDPOINT_SLICE, slice("s-1", "web", "10.1.0.1"));
        store.put(Kinds.ENDPOINT_SLICE, slice("s-2", "web", "10.1.0.2"));
        store.takeChanges();
        EndpointSlice moved = slice("s-1", "api", "10.1.0.1");
        store.put(Kinds.ENDPOINT_SLICE, moved);
        ServiceChanges c = store.takeChanges();
        assertEquals(Set.of(WEB, API), c.services().keySet());
        assertEquals(Optional.empty(), c.services().get(WEB), "no such Service: dirty all the same");
        assertEquals(List.of(slice("s-2", "web", "10.1.0.2")), c.slicesOf().get(WEB));
        assertEquals(List.of(moved), c.slicesOf().get(API));

        store.remove(Kinds.ENDPOINT_SLICE, moved.ref());
        c = store.takeChanges();
        assertEquals(Set.of(API), c.services().keySet());
        assertEquals(List.of(), c.slicesOf().get(API));
        assertEquals(Optional.empty(), c.slices().get(moved.ref()));
    }

    @Test
    void nodesUnlabeledSlicesAndReplacementsAreFullPodsArePolicy() {
        ObjectStore store = new ObjectStore();
        store.takeChanges();
        store.put(Kinds.POD, new Pod(new ObjectRef("default", "p"), Map.of(), "n1", false, "Running", List.of(), List.of()));
        ServiceChanges pod = store.takeChanges();
        assertFalse(pod.full());
        assertTrue(pod.policyChanged());
        assertEquals(0, pod.firstChangeNanos(), "a policy input starts no load-balancing latency clock");

        // A Pod change before an endpoint change: the clock starts at the endpoint change.
        store.put(Kinds.POD, new Pod(new ObjectRef("default", "q"), Map.of(), "n1", false, "Running", List.of(), List.of()));
        long beforeSlice = System.nanoTime();
        store.put(Kinds.ENDPOINT_SLICE, slice("web-9", "web", "10.1.0.9"));
        assertTrue(store.takeChanges().firstChangeNanos() >= beforeSlice);

        store.put(Kinds.NODE, new Node(new ObjectRef("", "n1"), Map.of(), List.of(), false, List.of(), null));
        assertTrue(store.takeChanges().full());

        store.put(Kinds.ENDPOINT_SLICE, slice("orphan", null, "10.1.0.9"));
        assertTrue(store.takeChanges().full(), "an unlabeled slice's addresses are read globally");

        store.replaceAll(Snapshot.of(List.of(service(WEB, "10.96.0.1")), List.of(slice("web-1", "web", "10.1.0.1"))));
        assertTrue(store.takeChanges().full());
        // the index was rebuilt from the replacement
        store.put(Kinds.ENDPOINT_SLICE, slice("web-2", "web", "10.1.0.2"));
        assertEquals(2, store.takeChanges().slicesOf().get(WEB).size());
    }
}
