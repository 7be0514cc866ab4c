package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.EndpointState;
import dev.senda.desired.Frontend;
import dev.senda.desired.FrontendScope;
import dev.senda.desired.L4Protocol;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.TestLbMaps;
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

import static dev.senda.reconcile.States.decode;
import static dev.senda.reconcile.States.df;
import static dev.senda.reconcile.States.addr;
import static dev.senda.reconcile.States.unreachable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random desired-state histories with injected write failures and simulated restarts: the maps
 * always end up balancing exactly as desired, a reader never sees a half-built frontend, ids stay
 * stable, and a restart writes nothing.
 */
class LbReconcilerPropertyTest {
    private static final int STEPS = 80;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void randomHistoriesConverge(long seed) {
        Random rnd = new Random(seed);
        TestLbMaps store = new TestLbMaps();
        RecordingLbMaps maps = new RecordingLbMaps(store);
        LbReconciler reconciler = new LbReconciler(maps.maps());
        List<String> violations = new ArrayList<>();
        Map<Frontend, Integer> serviceIds = new HashMap<>();
        Map<BackendAddress, Integer> backendIds = new HashMap<>();
        int failedApplies = 0;
        int restarts = 0;

        for (int step = 0; step < STEPS; step++) {
            String where = "seed " + seed + " step " + step;
            LbState desired = randomState(rnd);
            boolean prune = rnd.nextInt(5) != 0;
            if (rnd.nextInt(3) == 0) maps.failNthWrite(1 + rnd.nextInt(12));
            ApplyResult first = reconciler.apply(desired, prune);
            if (!first.ok()) {
                failedApplies++;
                ApplyResult retry = reconciler.apply(desired, prune);
                assertTrue(retry.ok(), where + ": " + retry.errors());
            } else {
                maps.disarm();  // an injection the apply did not reach
            }

            Map<String, List<String>> want = decode(desired);
            Map<String, List<String>> got = decode(store);
            if (prune) {
                assertEquals(want, got, where);
                assertEquals(List.of(), unreachable(store), where);
            } else {
                want.forEach((k, v) -> assertEquals(v, got.get(k), where + " " + k));
            }

            // Ids of frontends and backends that stay in use do not change.
            for (DesiredFrontend d : desired.frontends().values()) {
                int id = reconciler.serviceId(d.frontend()).orElseThrow();
                Integer before = serviceIds.put(d.frontend(), id);
                if (before != null) assertEquals(before, id, where + " service id of " + d.frontend());
                for (DesiredBackend b : d.backends()) {
                    int bid = reconciler.backendId(b.address()).orElseThrow();
                    Integer bBefore = backendIds.put(b.address(), bid);
                    if (bBefore != null) assertEquals(bBefore, bid, where + " backend id of " + b.address());
                }
            }
            LbReconciler current = reconciler;
            serviceIds.keySet().removeIf(f -> current.serviceId(f).isEmpty());
            backendIds.keySet().removeIf(b -> current.backendId(b).isEmpty());

            if (rnd.nextInt(8) == 0) {  // agent restart: same pinned maps, fresh process
                violations.addAll(maps.violations());
                maps = new RecordingLbMaps(store);
                LbReconciler restarted = new LbReconciler(maps.maps());
                restarted.restore();
                ApplyResult r = restarted.apply(desired, prune);
                assertEquals(0, r.writes(), where + ": restart must write nothing, did " + maps.ops());
                for (Frontend f : desired.frontends().keySet()) {
                    assertEquals(reconciler.serviceId(f), restarted.serviceId(f), where + " restored id of " + f);
                }
                reconciler = restarted;
                restarts++;
            }
        }
        violations.addAll(maps.violations());
        assertEquals(List.of(), violations);
        assertTrue(failedApplies > 0 && restarts > 0, "the history exercised failures and restarts");
    }

    private static LbState randomState(Random rnd) {
        TreeMap<Frontend, DesiredFrontend> frontends = new TreeMap<>();
        // One state per address per step, as EndpointSlices of one pod would say.
        Map<BackendAddress, EndpointState> states = new HashMap<>();
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            L4Protocol proto = rnd.nextBoolean() ? L4Protocol.TCP : L4Protocol.UDP;
            FrontendScope scope = rnd.nextInt(4) == 0 ? FrontendScope.INTERNAL : FrontendScope.EXTERNAL;
            Frontend f = new Frontend(addr("10.96.0." + (1 + rnd.nextInt(4))), rnd.nextBoolean() ? 80 : 53, proto, scope);
            Set<BackendAddress> backends = new LinkedHashSet<>();
            int m = rnd.nextInt(5);
            for (int j = 0; j < m; j++) {
                backends.add(new BackendAddress(addr("10.0.1." + (1 + rnd.nextInt(8))), 8080, proto));
            }
            List<DesiredBackend> list = backends.stream()
                    .map(b -> new DesiredBackend(b, states.computeIfAbsent(b,
                            k -> rnd.nextInt(6) == 0 ? EndpointState.TERMINATING : EndpointState.ACTIVE)))
                    .toList();
            frontends.put(f, df(f, list));
        }
        return new LbState(frontends);
    }
}
