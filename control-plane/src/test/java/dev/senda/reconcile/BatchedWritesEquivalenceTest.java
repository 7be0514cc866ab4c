package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.EndpointState;
import dev.senda.desired.Frontend;
import dev.senda.desired.FrontendScope;
import dev.senda.desired.L4Protocol;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.table.FaultInjectingTypedMap;
import dev.senda.maps.table.FaultInjector;
import dev.senda.reconcile.table.WriteMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static dev.senda.reconcile.States.addr;
import static dev.senda.reconcile.States.df;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WriteMode#BATCHED} against {@link WriteMode#SINGLE}, write for write: random histories of
 * both families, with a failure injected at a random write (so a batch fails part-way) and a services
 * table that fills up, give the same results (writes, failures, error lines, frontends not programmed)
 * and the same map contents after every apply, over maps whose batches are real batches
 * ({@link FaultInjectingTypedMap} counts each element as a write and fails mid-batch).
 */
class BatchedWritesEquivalenceTest {
    private static final int STEPS = 60;

    private record Side(LbMaps store, FaultInjector faults, LbReconciler reconciler) {
        static Side of(WriteMode mode, int serviceCapacity) {
            LbMaps store = LbMaps.inMemory();
            FaultInjector faults = new FaultInjector();
            LbMaps maps = new LbMaps(new FaultInjectingTypedMap<>(store.services(), faults, serviceCapacity),
                    new FaultInjectingTypedMap<>(store.backends(), faults),
                    new FaultInjectingTypedMap<>(store.revNats(), faults),
                    new FaultInjectingTypedMap<>(store.sourceRanges(), faults));
            LbReconciler reconciler = new LbReconciler(maps);
            reconciler.writeMode(mode);
            return new Side(store, faults, reconciler);
        }

        List<Object> contents() {
            return List.of(store.services().entries(), store.backends().entries(), store.revNats().entries(),
                    store.sourceRanges().entries());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void batchedWritesLandAndFailExactlyAsSingleWrites(long seed) {
        Random rnd = new Random(seed);
        int capacity = seed % 2 == 0 ? FaultInjectingTypedMap.UNLIMITED : 60;
        Side single = Side.of(WriteMode.SINGLE, capacity);
        Side batched = Side.of(WriteMode.BATCHED, capacity);
        int failedApplies = 0;
        for (int step = 0; step < STEPS; step++) {
            String where = "seed " + seed + " step " + step;
            LbState desired = randomState(rnd);
            boolean prune = rnd.nextInt(5) != 0;
            if (rnd.nextInt(2) == 0) {
                int n = 1 + rnd.nextInt(40);
                single.faults().failNthWriteFromNow(n);
                batched.faults().failNthWriteFromNow(n);
            }
            ApplyResult s = single.reconciler().apply(desired, prune);
            ApplyResult b = batched.reconciler().apply(desired, prune);
            assertEquals(s, b, where);
            assertEquals(single.contents(), batched.contents(), where);
            if (!s.ok()) failedApplies++;
            single.faults().disarm();
            batched.faults().disarm();
        }
        assertTrue(failedApplies > 0, "the histories include failed applies");
    }

    /** Up to 12 frontends of either family with up to 12 backends each: runs long enough to batch. */
    private static LbState randomState(Random rnd) {
        TreeMap<Frontend, DesiredFrontend> frontends = new TreeMap<>();
        Map<BackendAddress, EndpointState> states = new HashMap<>();
        int n = rnd.nextInt(13);
        for (int i = 0; i < n; i++) {
            boolean v6 = rnd.nextBoolean();
            L4Protocol proto = rnd.nextBoolean() ? L4Protocol.TCP : L4Protocol.UDP;
            FrontendScope scope = rnd.nextInt(4) == 0 ? FrontendScope.INTERNAL : FrontendScope.EXTERNAL;
            int vip = 1 + rnd.nextInt(8);
            Frontend f = new Frontend(addr(v6 ? "fd00:96::" + vip : "10.96.0." + vip), rnd.nextBoolean() ? 80 : 53,
                    proto, scope);
            Set<BackendAddress> backends = new LinkedHashSet<>();
            int m = rnd.nextInt(13);
            for (int j = 0; j < m; j++) {
                int b = 1 + rnd.nextInt(20);
                backends.add(new BackendAddress(addr(v6 ? "fd00:244::" + b : "10.0.1." + b), 8080, proto));
            }
            List<DesiredBackend> list = new ArrayList<>();
            for (BackendAddress b : backends) {
                list.add(new DesiredBackend(b, states.computeIfAbsent(b,
                        k -> rnd.nextInt(6) == 0 ? EndpointState.TERMINATING : EndpointState.ACTIVE)));
            }
            frontends.put(f, df(f, list));
        }
        return new LbState(frontends);
    }
}
