package dev.senda.agent;

import dev.senda.desired.DesiredStateCalculator;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.model.Node;
import dev.senda.model.ObjectRef;
import dev.senda.reconcile.LbReconciler;
import dev.senda.reconcile.SyncReason;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ServiceSync}'s choice between incremental and full syncs, seen in
 * {@code senda_change_to_map_seconds{sync}} and in the maps: an endpoint change is incremental, a Node
 * change and a periodic sync are full, and a periodic sync repairs an entry deleted behind its back.
 */
class IncrementalServiceSyncTest {
    @Test
    void endpointChangesAreIncrementalNodesAndPeriodicSyncsFull() throws Exception {
        ObjectStore store = new ObjectStore();
        for (int i = 0; i < 3; i++) {
            store.put(Kinds.SERVICE, IncrementalSyncScaleTest.service(i));
            store.put(Kinds.ENDPOINT_SLICE, IncrementalSyncScaleTest.slice(i, -1));
        }
        LbMaps maps = LbMaps.inMemory();
        try (Metrics metrics = new Metrics()) {
            ServiceSync sync = new ServiceSync(store, TestSource.synced(),
                    new DesiredStateCalculator(), "n1", new LbReconciler(maps), metrics);
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(Map.of("full", 1L), observed(metrics));
            assertEquals(3 * 11, maps.services().entries().size());

            store.put(Kinds.ENDPOINT_SLICE, IncrementalSyncScaleTest.slice(1, 4));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(Map.of("full", 1L, "incremental", 1L), observed(metrics));
            assertEquals(3 * 11 - 1, maps.services().entries().size(), "one slot fewer");

            store.put(Kinds.NODE, new Node(new ObjectRef("", "n1"), Map.of(), List.of(), false, List.of(), null));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(Map.of("full", 2L, "incremental", 1L), observed(metrics));

            ServiceKey someSlot = maps.services().entries().keySet().stream().filter(k -> k.slot() == 3)
                    .findFirst().orElseThrow();
            maps.services().delete(someSlot); // drift
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(3 * 11 - 2, maps.services().entries().size(), "nothing changed: an incremental sync writes nothing");
            assertTrue(sync.sync(SyncReason.PERIODIC).complete());
            assertEquals(3 * 11 - 1, maps.services().entries().size(), "the periodic full sync repaired it");

            store.put(Kinds.ENDPOINT_SLICE, IncrementalSyncScaleTest.slice(1, -1));
            assertTrue(sync.sync(SyncReason.REQUESTED).complete());
            assertEquals(3 * 11, maps.services().entries().size());
            assertEquals(2L, observed(metrics).get("incremental"));
        }
    }

    /** Observations of senda_change_to_map_seconds by its sync label. */
    private static Map<String, Long> observed(Metrics metrics) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (MetricSnapshot m : metrics.registry().scrape()) {
            if (!m.getMetadata().getName().equals("senda_change_to_map_seconds")) continue;
            for (HistogramSnapshot.HistogramDataPointSnapshot p : ((HistogramSnapshot) m).getDataPoints()) {
                out.put(p.getLabels().get("sync"), p.getCount());
            }
        }
        return out;
    }
}
