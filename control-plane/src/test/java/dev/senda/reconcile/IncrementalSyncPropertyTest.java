package dev.senda.reconcile;

import dev.senda.desired.DesiredState;
import dev.senda.desired.DesiredStateCalculator;
import dev.senda.desired.IncrementalDesiredState;
import dev.senda.desired.NodePortAddresses;
import dev.senda.desired.RandomClusterObjects;
import dev.senda.maps.lb.LbMaps;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import dev.senda.source.ServiceChanges;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental syncs ({@link IncrementalDesiredState#update} + {@link LbReconciler#applyChanges}) against
 * full ones ({@link DesiredStateCalculator#calculate} + {@link LbReconciler#apply}) over random sequences of
 * changes: Services added, changed (type, ports, node ports, cluster IPs from a small pool so they
 * conflict, load-balancer IPs that are also pod addresses, Local policies with health checks) and
 * deleted; slices added, moved between Services, endpoints flipping ready and terminating; now and then
 * a Node change. After every step the two sides' maps hold exactly the same entries (ids included), and
 * their rejections and health checks are equal.
 */
class IncrementalSyncPropertyTest {
    private static final String NODE = RandomClusterObjects.NODE;
    /** Seven Service names and ten slice names per namespace: every change collides with others. */
    private static final RandomClusterObjects OBJECTS = new RandomClusterObjects(7, 10);

    @Test
    void incrementalSyncsWriteWhatFullSyncsWrite() {
        int incremental = 0;
        int steps = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            Sides sides = new Sides();
            sides.store.put(Kinds.NODE, OBJECTS.node(rnd));
            sides.sync(seed, -1);
            for (int step = 0; step < 60; step++) {
                int changes = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 4 : 1);
                for (int c = 0; c < changes; c++) OBJECTS.mutate(sides.store, rnd);
                if (sides.sync(seed, step)) incremental++;
                steps++;
            }
        }
        System.out.printf("incremental sync property: %d of %d steps incremental%n", incremental, steps);
        assertTrue(incremental > steps / 2, "the incremental path must be exercised: " + incremental + " of " + steps);
    }

    /** The same store synced both ways into two sets of in-memory maps. */
    private static final class Sides {
        final ObjectStore store = new ObjectStore();
        final DesiredStateCalculator calculator = new DesiredStateCalculator(NodePortAddresses.PRIMARY);
        final IncrementalDesiredState inc = calculator.incremental();
        final LbMaps incMaps = LbMaps.inMemory();
        final LbMaps fullMaps = LbMaps.inMemory();
        final LbReconciler incReconciler = new LbReconciler(incMaps);
        final LbReconciler fullReconciler = new LbReconciler(fullMaps);

        /** @return whether the incremental side went incremental */
        boolean sync(long seed, int step) {
            ServiceChanges changes = store.takeChanges();
            Snapshot snapshot = store.snapshot();
            NodeInfo node = NodeInfo.of(NODE, snapshot.all(Kinds.NODE).get(new ObjectRef("", NODE)));
            DesiredState full = calculator.calculate(snapshot, node);
            fullReconciler.apply(full.lb(), true);

            Optional<IncrementalDesiredState.Result> r = inc.update(changes);
            boolean incremental = r.isPresent() && incReconciler.canApplyChanges();
            if (r.isEmpty()) r = Optional.of(inc.full(snapshot, node));
            if (incremental) incReconciler.applyChanges(r.get().changes());
            else incReconciler.apply(inc.lbState(), true);

            String where = "seed " + seed + " step " + step + (incremental ? " (incremental)" : " (full)");
            assertEquals(full.lb(), inc.lbState(), where + ": frontends");
            assertEquals(full.rejections(), r.get().rejections(), where + ": rejections");
            assertEquals(full.healthChecks(), r.get().healthChecks(), where + ": health checks");
            assertEquals(fullMaps.services().entries(), incMaps.services().entries(), where + ": service map");
            assertEquals(fullMaps.backends().entries(), incMaps.backends().entries(), where + ": backend map");
            assertEquals(fullMaps.revNats().entries(), incMaps.revNats().entries(), where + ": reverse NAT map");
            assertEquals(fullMaps.sourceRanges().entries(), incMaps.sourceRanges().entries(), where + ": source ranges");
            assertEquals(fullReconciler.entriesPerMap(), incReconciler.entriesPerMap(), where + ": entries per map");
            return incremental;
        }
    }
}
