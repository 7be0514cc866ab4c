package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.TestLbMaps;
import dev.senda.maps.table.FaultInjectingTypedMap;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.senda.reconcile.States.be;
import static dev.senda.reconcile.States.decode;
import static dev.senda.reconcile.States.df;
import static dev.senda.reconcile.States.fe;
import static dev.senda.reconcile.States.state;
import static dev.senda.reconcile.States.unreachable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full map (the kernel's E2BIG past {@code max_entries}, played by {@link FaultInjectingTypedMap}
 * with a capacity): what does not fit is reported by name, what is programmed stays as it was, and
 * removals proceed while additions fail, so deleting Services makes room for the pending ones.
 */
class LbReconcilerFullMapTest {
    /** 12 frontends of 2 backends each: 3 service entries apiece, 36 in all. */
    static final int FRONTENDS = 12;
    /** Room for 10 of them. */
    static final int SERVICE_CAPACITY = 30;

    final TestLbMaps store = new TestLbMaps(new LbMaps(
            FaultInjectingTypedMap.withCapacity(LbMaps.SERVICES.inMemory(), SERVICE_CAPACITY),
            LbMaps.BACKENDS.inMemory(), LbMaps.REVNATS.inMemory(), LbMaps.SOURCE_RANGES.inMemory()));
    final RecordingLbMaps maps = new RecordingLbMaps(store);
    final LbReconciler reconciler = new LbReconciler(maps.maps());

    static DesiredFrontend frontend(int i) {
        return df(fe("10.96.0." + (i + 1), 80), be("10.0.0." + (2 * i + 1), 8080), be("10.0.0." + (2 * i + 2), 8080));
    }

    static LbState frontends(int from, int to) {
        List<DesiredFrontend> list = new ArrayList<>();
        for (int i = from; i < to; i++) list.add(frontend(i));
        return state(list.toArray(DesiredFrontend[]::new));
    }

    /** The decoded maps restricted to the headers of {@code state} that are programmed. */
    static Map<String, List<String>> only(Map<String, List<String>> decoded, LbState state) {
        Map<String, List<String>> out = new TreeMap<>(decoded);
        out.keySet().retainAll(decode(state).keySet());
        return out;
    }

    @Test
    void frontendsThatDoNotFitAreReportedByNameAndTheOthersAreWhole() {
        LbState all = frontends(0, FRONTENDS);
        ApplyResult r = reconciler.apply(all, true);

        assertFalse(r.ok());
        assertEquals(10, r.frontends(), "whole frontends until the map is full: " + r);
        assertEquals(2, r.unprogrammed().count(), r.toString());
        assertEquals(List.of("default/svc-10.96.0.11:p80 (10.96.0.11:80/TCP)",
                "default/svc-10.96.0.12:p80 (10.96.0.12:80/TCP)"), r.unprogrammed().first());
        assertEquals("2 frontends not programmed: default/svc-10.96.0.11:p80 (10.96.0.11:80/TCP), "
                + "default/svc-10.96.0.12:p80 (10.96.0.12:80/TCP)", r.unprogrammed().summary());
        assertEquals(2, r.failures(), "one refused write per frontend that did not fit, the rest skipped");
        assertTrue(r.errors().getFirst().contains("map full (30 entries)"), r.errors().toString());
        assertEquals(decode(frontends(0, 10)), decode(store), "the ten that fit, each with all its slots");
        assertEquals(List.of(), maps.violations());
        assertEquals(SERVICE_CAPACITY, store.services().size());
        assertEquals(SERVICE_CAPACITY, reconciler.entriesPerMap().get("senda_svc4_v1"), "what the metric says the maps hold");
        assertEquals(0, reconciler.entriesPerMap().get("senda_svc6_v1"));
        assertEquals(24, reconciler.entriesPerMap().get("senda_backend4_v1"),
                "every desired backend, those of the two frontends that did not fit included");
    }

    @Test
    void retryingWhileFullRewritesNothingThatIsProgrammed() {
        LbState all = frontends(0, FRONTENDS);
        reconciler.apply(all, true);
        var before = decode(store);
        int opsBefore = maps.ops().size();

        ApplyResult again = reconciler.apply(all, true);
        assertEquals(0, again.writes(), "nothing programmed is written again");
        assertEquals(2, again.unprogrammed().count());
        assertEquals(before, decode(store));
        assertEquals(opsBefore, maps.ops().size(), "and nothing else is tried: " + maps.ops().subList(opsBefore, maps.ops().size()));
    }

    @Test
    void deletingServicesFreesRoomAndThePendingOnesAreProgrammedInTheSameSync() {
        reconciler.apply(frontends(0, FRONTENDS), true);

        // The first three Services are deleted: their 9 entries make room for the 2 pending frontends.
        LbState rest = frontends(3, FRONTENDS);
        ApplyResult r = reconciler.apply(rest, true);

        assertTrue(r.ok(), r.toString());
        assertEquals(0, r.unprogrammed().count());
        assertEquals(0, r.staleKept(), "removals proceeded");
        assertEquals(decode(rest), decode(store));
        assertEquals(List.of(), unreachable(store));
        assertEquals(List.of(), maps.violations());
    }

    @Test
    void removalsProceedWhileAdditionsStillFail() {
        reconciler.apply(frontends(0, FRONTENDS), true);

        // One Service deleted (3 entries freed) while 4 more are added: the 2 old pending ones fit
        // partly (one of them), the new ones do not; the deleted one is gone regardless.
        LbState next = frontends(1, FRONTENDS + 4);
        ApplyResult r = reconciler.apply(next, true);

        assertFalse(r.ok());
        assertEquals(0, r.staleKept(), "the deleted Service's entries were removed although additions failed");
        assertEquals(FRONTENDS + 4 - 1 - 10, r.unprogrammed().count(), r.toString());
        assertFalse(decode(store).containsKey(RecordingLbMaps.fmt(LbEncoding.headerKey(frontend(0).frontend()))));
        assertEquals(only(decode(next), next).keySet().stream().filter(decode(store)::containsKey).count(),
                (long) r.frontends());
        // Backends of the frontends that did not fit are written (they are desired, and shared): only
        // service-map entries must never be left unreachable.
        assertEquals(List.of(), unreachable(store).stream().filter(e -> !e.startsWith("backend ")).toList());
        assertEquals(List.of(), maps.violations());
    }

    @Test
    void aProgrammedFrontendThatGrowsInAFullMapKeepsItsOldBackends() {
        LbState all = frontends(0, 10);
        assertTrue(reconciler.apply(all, true).ok());
        BackendAddress extra = be("10.0.1.1", 8080);
        DesiredFrontend grown = df(frontend(0).frontend(), be("10.0.0.1", 8080), be("10.0.0.2", 8080), extra);
        List<DesiredFrontend> list = new ArrayList<>(all.frontends().values());
        list.set(0, grown);
        LbState next = state(list.toArray(DesiredFrontend[]::new));

        ApplyResult r = reconciler.apply(next, true);

        assertEquals(1, r.unprogrammed().count());
        assertTrue(r.unprogrammed().first().getFirst().startsWith("default/svc-10.96.0.1:p80"), r.toString());
        assertEquals(decode(all), decode(store), "the frontend still balances over its two old backends");
        assertEquals(List.of(), maps.violations());
    }

    @Test
    void aFullBackendMapHoldsBackOnlyTheFrontendsThatNeedTheMissingBackends() {
        TestLbMaps small = new TestLbMaps(new LbMaps(LbMaps.SERVICES.inMemory(),
                FaultInjectingTypedMap.withCapacity(LbMaps.BACKENDS.inMemory(), 5),
                LbMaps.REVNATS.inMemory(), LbMaps.SOURCE_RANGES.inMemory()));
        RecordingLbMaps recording = new RecordingLbMaps(small);
        LbReconciler r = new LbReconciler(recording.maps());

        ApplyResult result = r.apply(frontends(0, 4), true);  // 8 backends, room for 5

        assertEquals(2, result.frontends(), "frontends 0 and 1 have all their backends: " + result);
        assertEquals(2, result.unprogrammed().count());
        assertEquals(decode(frontends(0, 2)), decode(small));
        assertEquals(List.of(), recording.violations());

        // Frontend 0 deleted: its backends go first, and frontend 2 (whose first backend landed) fits now.
        ApplyResult next = r.apply(frontends(1, 4), true);
        assertEquals(2, next.frontends(), next.toString());
        assertEquals(1, next.unprogrammed().count(), next.toString());
        assertEquals(decode(frontends(1, 3)), decode(small));
        assertEquals(List.of("backend 7"), unreachable(small), "frontend 3's first backend: desired, waiting for room");
        assertEquals(List.of(), recording.violations());
    }
}
