package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.Cidr;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.Frontend;
import dev.senda.desired.FrontendKind;
import dev.senda.desired.LbState;
import dev.senda.desired.SessionAffinity;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SourceRangeKey;
import dev.senda.maps.lb.TestLbMaps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.senda.reconcile.States.be;
import static dev.senda.reconcile.States.df;
import static dev.senda.reconcile.States.fe;
import static dev.senda.reconcile.States.ip;
import static dev.senda.reconcile.States.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * loadBalancerSourceRanges in the maps: one LPM entry per range under the frontend's service id and
 * the header flag that makes the datapath read them, written so that a reader never sees the flag
 * without the ranges ({@link RecordingLbMaps#violations()}).
 */
class LbReconcilerSourceRangesTest {
    static final Frontend LB = fe("198.18.1.10", 80);
    static final Frontend LB6 = fe("fd00:198:18:1::10", 80);
    static final BackendAddress A = be("10.244.1.5", 8080);
    static final BackendAddress A6 = be("fd00:10:244:1::5", 8080);

    final TestLbMaps store = new TestLbMaps();
    final RecordingLbMaps maps = new RecordingLbMaps(store);
    final LbReconciler reconciler = new LbReconciler(maps.maps());

    @AfterEach
    void readerNeverSawTheFlagWithoutRanges() {
        assertEquals(List.of(), maps.violations());
    }

    static DesiredFrontend lb(Frontend f, BackendAddress backend, String... ranges) {
        DesiredFrontend plain = df(f, backend);
        return new DesiredFrontend(f, plain.servicePort(), plain.backends(), FrontendKind.LOAD_BALANCER,
                SessionAffinity.NONE, List.of(ranges).stream().map(r -> Cidr.parse(r).orElseThrow()).toList());
    }

    void applyOk(LbState s, boolean prune) {
        ApplyResult r = reconciler.apply(s, prune);
        assertTrue(r.ok(), () -> "errors: " + r.errors());
    }

    int header(Frontend f) {
        return store.services().get(LbEncoding.headerKey(f)).flags();
    }

    @Test
    void rangesGoInBeforeTheHeaderThatEnablesThem() {
        applyOk(state(lb(LB, A, "10.244.1.0/24", "192.168.1.2/32")), false);
        assertEquals(List.of(
                "putBackend 1",
                "putService 198.18.1.10:80/TCP/EXTERNAL#1 -> 1",
                "putRevNat 1",
                "putSourceRange 1 10.244.1.0/24",
                "putSourceRange 1 192.168.1.2/32",
                "putService 198.18.1.10:80/TCP/EXTERNAL#0 count=1"), maps.ops());
        assertEquals(ServiceValue.FLAG_LOAD_BALANCER | ServiceValue.FLAG_SOURCE_RANGES, header(LB));
    }

    @Test
    void changingRangesAddsTheNewOnesFirstAndDropsTheOldOnesLast() {
        applyOk(state(lb(LB, A, "10.244.1.7/32")), true);
        maps.clearOps();
        applyOk(state(lb(LB, A, "10.244.1.8/32")), false); // a dropped range goes even before pruning is allowed
        assertEquals(List.of("putSourceRange 1 10.244.1.8/32", "deleteSourceRange 1 10.244.1.7/32"), maps.ops());
        assertEquals(Set.of(SourceRangeKey.of(1, ip("10.244.1.8"), 32)), store.sourceRanges());
    }

    @Test
    void clearingTheRangesRewritesTheHeaderBeforeDeletingThem() {
        applyOk(state(lb(LB, A, "10.244.1.7/32", "10.244.2.0/24")), true);
        maps.clearOps();
        applyOk(state(lb(LB, A)), true);
        assertEquals(List.of(
                "putService 198.18.1.10:80/TCP/EXTERNAL#0 count=1",
                "deleteSourceRange 1 10.244.1.7/32",
                "deleteSourceRange 1 10.244.2.0/24"), maps.ops());
        assertEquals(ServiceValue.FLAG_LOAD_BALANCER, header(LB));
        assertTrue(store.sourceRanges().isEmpty());
    }

    @Test
    void aRemovedFrontendLosesItsRangesAfterItsHeaderAndOnlyWhenPruningIsAllowed() {
        applyOk(state(lb(LB, A, "10.244.1.7/32"), lb(LB6, A6, "fd00:10:244:1::/64")), true);
        maps.clearOps();
        applyOk(state(lb(LB6, A6, "fd00:10:244:1::/64")), false);
        assertEquals(List.of(), maps.ops(), "not seen yet may mean not synced yet");
        applyOk(state(lb(LB6, A6, "fd00:10:244:1::/64")), true);
        List<String> ops = maps.ops();
        assertTrue(ops.indexOf("deleteService 198.18.1.10:80/TCP/EXTERNAL#0")
                < ops.indexOf("deleteSourceRange 1 10.244.1.7/32"), ops.toString());
        assertEquals(Set.of(SourceRangeKey.of(2, ip("fd00:10:244:1::"), 64)), store.sourceRanges(),
                "the IPv6 frontend's range went to its own family and stays");
    }

    @Test
    void aFailedRangeWriteKeepsTheHeaderFromEnablingTheCheck() {
        applyOk(state(lb(LB, A)), true);
        maps.clearOps();
        maps.failNthWrite(1); // the range
        ApplyResult r = reconciler.apply(state(lb(LB, A, "10.244.1.7/32")), true);
        assertFalse(r.ok());
        assertEquals(ServiceValue.FLAG_LOAD_BALANCER, header(LB), "no flag without its range");
        applyOk(state(lb(LB, A, "10.244.1.7/32")), true);
        assertEquals(ServiceValue.FLAG_LOAD_BALANCER | ServiceValue.FLAG_SOURCE_RANGES, header(LB));
    }

    @Test
    void restoreFindsTheRangesAndWritesNothing() {
        LbState s = state(lb(LB, A, "10.244.1.7/32"), lb(LB6, A6, "fd00:10:244:1::/64"));
        applyOk(s, true);
        RecordingLbMaps maps2 = new RecordingLbMaps(store);
        LbReconciler restarted = new LbReconciler(maps2.maps());
        restarted.restore();
        assertEquals(0, restarted.apply(s, true).writes());
        assertEquals(List.of(), maps2.ops());
    }
}
