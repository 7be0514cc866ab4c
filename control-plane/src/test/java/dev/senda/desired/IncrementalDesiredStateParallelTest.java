package dev.senda.desired;

import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full calculation parses and builds Services on several threads at a large cluster
 * ({@link IncrementalDesiredState#PARALLEL_MIN}); its result must be the one-thread calculation's, to
 * the order of rejections: frontends, backends, rejections (conflicts, reserved load-balancer IPs, bad
 * slices) and health checks, over random stores where Services collide.
 */
class IncrementalDesiredStateParallelTest {
    private static final RandomClusterObjects OBJECTS = new RandomClusterObjects(1_500, 1_200);

    @Test
    void aFullCalculationOnSeveralThreadsEqualsTheOneOnOne() {
        int rejections = 0;
        for (long seed = 1; seed <= 4; seed++) {
            Random rnd = new Random(seed);
            ObjectStore store = new ObjectStore();
            store.put(Kinds.NODE, OBJECTS.node(rnd));
            for (int i = 0; i < 8_000; i++) OBJECTS.mutate(store, rnd);
            Snapshot snapshot = store.snapshot();
            NodeInfo node = NodeInfo.of(RandomClusterObjects.NODE,
                    snapshot.all(Kinds.NODE).get(new ObjectRef("", RandomClusterObjects.NODE)));
            assertTrue(snapshot.services().size() >= IncrementalDesiredState.PARALLEL_MIN,
                    "the default threshold is reached: " + snapshot.services().size());

            IncrementalDesiredState oneThread = new IncrementalDesiredState(NodePortAddresses.PRIMARY)
                    .parallelFrom(Integer.MAX_VALUE);
            IncrementalDesiredState.Result expected = oneThread.full(snapshot, node);
            IncrementalDesiredState several = new IncrementalDesiredState(NodePortAddresses.PRIMARY);
            IncrementalDesiredState.Result actual = several.full(snapshot, node);

            String where = "seed " + seed;
            assertEquals(firstDifference(oneThread.lbState(), several.lbState()), "none", where + ": frontends");
            assertEquals(expected.rejections(), actual.rejections(), where + ": rejections");
            assertEquals(expected.healthChecks(), actual.healthChecks(), where + ": health checks");
            assertTrue(several.lbState().frontends().size() > 1_000, where + ": frontends " + several.lbState().frontends().size());
            rejections += actual.rejections().size();
        }
        assertTrue(rejections > 100, "the stores must hold conflicts and bad objects: " + rejections + " rejections");
    }

    /** The first frontend the two states hold differently, in one line (not two dumps of thousands). */
    private static String firstDifference(LbState expected, LbState actual) {
        java.util.TreeSet<Frontend> all = new java.util.TreeSet<>(expected.frontends().keySet());
        all.addAll(actual.frontends().keySet());
        for (Frontend f : all) {
            DesiredFrontend e = expected.frontends().get(f);
            DesiredFrontend a = actual.frontends().get(f);
            if (!java.util.Objects.equals(e, a)) return f + ": expected " + e + ", got " + a;
        }
        return "none";
    }
}
