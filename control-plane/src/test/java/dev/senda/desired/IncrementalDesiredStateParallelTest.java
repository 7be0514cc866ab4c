package dev.senda.desired;

import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import org.junit.jupiter.api.Test;

import dev.senda.source.ServiceChanges;

import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full calculation parses and builds Services on several threads at a large cluster
 * ({@link IncrementalDesiredState#PARALLEL_MIN}); its result must be the one-thread calculation's, to
 * the order of rejections: frontends, backends, rejections (conflicts, reserved load-balancer IPs, bad
 * slices) and health checks, over random stores where Services collide; and the memo it leaves must
 * update as the other's does.
 */
class IncrementalDesiredStateParallelTest {
    private static final RandomClusterObjects OBJECTS = new RandomClusterObjects(1_500, 1_200);

    @Test
    void aFullCalculationOnSeveralThreadsEqualsTheOneOnOne() {
        int rejections = 0;
        int incrementalSteps = 0;
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
            // from 2 Services on: the build step too, whatever share of the Services loses a conflict
            IncrementalDesiredState several = new IncrementalDesiredState(NodePortAddresses.PRIMARY).parallelFrom(2);
            IncrementalDesiredState.Result actual = several.full(snapshot, node);

            String where = "seed " + seed;
            assertSame(expected, actual, oneThread, several, where);
            assertTrue(several.lbState().frontends().size() > 1_000, where + ": frontends " + several.lbState().frontends().size());
            rejections += actual.rejections().size();

            // the memo each left behind carries on alike: a few changes, updated incrementally where possible
            store.takeChanges();
            for (int step = 0; step < 30; step++) {
                OBJECTS.mutate(store, rnd);
                ServiceChanges changes = store.takeChanges();
                Optional<IncrementalDesiredState.Result> a = oneThread.update(changes);
                Optional<IncrementalDesiredState.Result> b = several.update(changes);
                assertEquals(a.isPresent(), b.isPresent(), where + " step " + step + ": incremental or not");
                if (a.isEmpty()) { // a full calculation is due, on both
                    Snapshot now = store.snapshot();
                    NodeInfo nodeNow = NodeInfo.of(RandomClusterObjects.NODE,
                            now.all(Kinds.NODE).get(new ObjectRef("", RandomClusterObjects.NODE)));
                    assertSame(oneThread.full(now, nodeNow), several.full(now, nodeNow), oneThread, several,
                            where + " step " + step + " (full)");
                    continue;
                }
                assertSame(a.get(), b.get(), oneThread, several, where + " step " + step);
                assertEquals(a.get().changes(), b.get().changes(), where + " step " + step + ": changes");
                incrementalSteps++;
            }
        }
        assertTrue(rejections > 100, "the stores must hold conflicts and bad objects: " + rejections + " rejections");
        assertTrue(incrementalSteps >= 10, "the memos must update incrementally now and then: " + incrementalSteps);
        System.out.printf("parallel full calculation: %d rejections, %d incremental steps after it%n", rejections,
                incrementalSteps);
    }

    private static void assertSame(IncrementalDesiredState.Result expected, IncrementalDesiredState.Result actual,
                                   IncrementalDesiredState oneThread, IncrementalDesiredState several, String where) {
        assertEquals("none", firstDifference(oneThread.lbState(), several.lbState()), where + ": frontends");
        assertEquals(expected.rejections(), actual.rejections(), where + ": rejections");
        assertEquals(expected.healthChecks(), actual.healthChecks(), where + ": health checks");
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
