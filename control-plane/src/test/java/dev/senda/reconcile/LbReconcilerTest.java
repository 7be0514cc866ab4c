package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.EndpointState;
import dev.senda.desired.Frontend;
import dev.senda.desired.FrontendScope;
import dev.senda.desired.L4Protocol;
import dev.senda.desired.LbState;
import dev.senda.desired.SessionAffinity;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.TestLbMaps;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.senda.reconcile.States.addr;
import static dev.senda.reconcile.States.be;
import static dev.senda.reconcile.States.decode;
import static dev.senda.reconcile.States.df;
import static dev.senda.reconcile.States.fe;
import static dev.senda.reconcile.States.ip;
import static dev.senda.reconcile.States.state;
import static dev.senda.reconcile.States.unreachable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LbReconcilerTest {
    static final Frontend F1 = fe("10.96.0.1", 80);
    static final Frontend F2 = fe("10.96.0.2", 80);
    static final Frontend F3 = fe("10.96.0.3", 53);
    static final BackendAddress A = be("10.0.0.1", 8080);
    static final BackendAddress B = be("10.0.0.2", 8080);
    static final BackendAddress C = be("10.0.0.3", 8080);
    static final BackendAddress D = be("10.0.0.4", 8080);

    final TestLbMaps store = new TestLbMaps();
    final RecordingLbMaps maps = new RecordingLbMaps(store);
    final LbReconciler reconciler = new LbReconciler(maps.maps());

    @AfterEach
    void readerNeverSawAHalfBuiltFrontend() {
        assertEquals(List.of(), maps.violations());
    }

    ApplyResult applyOk(LbState s, boolean prune) {
        ApplyResult r = reconciler.apply(s, prune);
        assertTrue(r.ok(), () -> "errors: " + r.errors());
        return r;
    }

    @Test
    void addWritesBackendsThenSlotsThenRevNatThenHeader() {
        ApplyResult r = applyOk(state(df(F1, A, B)), false);
        assertEquals(List.of(
                "putBackend 1",
                "putBackend 2",
                "putService 10.96.0.1:80/TCP/EXTERNAL#1 -> 1",
                "putService 10.96.0.1:80/TCP/EXTERNAL#2 -> 2",
                "putRevNat 1",
                "putService 10.96.0.1:80/TCP/EXTERNAL#0 count=2"), maps.ops());
        assertEquals(new ApplyResult(6, 1, 1, 2, 0, List.of()), r);
        assertEquals(new RevNatValue(ip("10.96.0.1"), 80), store.revNats().get(1));
        assertEquals(ServiceValue.header(1, 2, 0), store.services().get(key(F1, 0)));
    }

    @Test
    void applyingTheSameStateTwiceWritesNothing() {
        LbState s = state(df(F1, A, B), df(F2, B, C), df(F3));
        assertTrue(applyOk(s, true).writes() > 0);
        maps.clearOps();
        ApplyResult again = applyOk(s, true);
        assertEquals(0, again.writes());
        assertEquals(List.of(), maps.ops());
        assertEquals(3, again.frontends());
        assertEquals(3, again.backends());
    }

    @Test
    void removingBackendsShrinksTheHeaderFirstThenSlotsThenBackends() {
        applyOk(state(df(F1, A, B, C)), true);
        maps.clearOps();
        applyOk(state(df(F1, A)), true);
        assertEquals(List.of(
                "putService 10.96.0.1:80/TCP/EXTERNAL#0 count=1",
                "deleteService 10.96.0.1:80/TCP/EXTERNAL#2",
                "deleteService 10.96.0.1:80/TCP/EXTERNAL#3",
                "deleteBackend 2",
                "deleteBackend 3"), maps.ops());
        assertEquals(List.of(), unreachable(store));
    }

    @Test
    void removingAFrontendDeletesHeaderSlotsRevNatThenUnreferencedBackends() {
        applyOk(state(df(F1, A, B), df(F2, B, C)), true);
        maps.clearOps();
        applyOk(state(df(F2, B, C)), true);
        assertEquals(List.of(
                "deleteService 10.96.0.1:80/TCP/EXTERNAL#0",
                "deleteService 10.96.0.1:80/TCP/EXTERNAL#1",
                "deleteService 10.96.0.1:80/TCP/EXTERNAL#2",
                "deleteRevNat 1",
                "deleteBackend 1"), maps.ops(), "B is still used by F2 and must stay");
        assertEquals(decode(state(df(F2, B, C))), decode(store));
        assertEquals(List.of(), unreachable(store));
    }

    @Test
    void sameCountReplacementWritesTheNewBackendBeforeTheSlotAndDeletesTheOldOneLast() {
        applyOk(state(df(F1, A, B)), true);
        maps.clearOps();
        applyOk(state(df(F1, A, C)), true);
        assertEquals(List.of(
                "putBackend 3",
                "putService 10.96.0.1:80/TCP/EXTERNAL#2 -> 3",
                "deleteBackend 2"), maps.ops());
    }

    @Test
    void aBackendSharedByTwoFrontendsHasOneIdAndLivesUntilTheLastUserGoes() {
        applyOk(state(df(F1, A, B), df(F2, B)), true);
        int id = reconciler.backendId(B).orElseThrow();
        assertEquals(2, reconciler.backendReferences(B));
        assertEquals(2, store.backends().size(), "A and B, once each");
        assertEquals(ServiceValue.slot(1, id), store.services().get(key(F1, 2)));
        assertEquals(ServiceValue.slot(2, id), store.services().get(key(F2, 1)));

        applyOk(state(df(F2, B)), true);
        assertEquals(id, reconciler.backendId(B).orElseThrow(), "same id while still used");
        assertEquals(1, reconciler.backendReferences(B));
        assertTrue(store.backends().containsKey(id));

        applyOk(state(df(F2)), true);
        assertTrue(reconciler.backendId(B).isEmpty(), "freed once unused");
        assertEquals(List.of(), List.copyOf(store.backends().keySet()));
        assertEquals(ServiceValue.header(2, 0, 0), store.services().get(key(F2, 0)), "no endpoints: count 0 (refuse)");
    }

    @Test
    void serviceIdStaysWhileTheFrontendExists() {
        applyOk(state(df(F1, A), df(F2, B)), true);
        int id2 = reconciler.serviceId(F2).orElseThrow();
        applyOk(state(df(F2, A, B, C)), true);
        applyOk(state(df(F2, C), df(F3, A)), true);
        assertEquals(id2, reconciler.serviceId(F2).orElseThrow());
        assertTrue(reconciler.serviceId(F1).isEmpty());
        assertEquals(3, reconciler.serviceId(F3).orElseThrow(), "freed id 1 is not reused first");
    }

    @Test
    void backendStateChangeRewritesOnlyTheBackend() {
        applyOk(state(df(F1, A, B)), true);
        maps.clearOps();
        applyOk(state(df(F1, List.of(new DesiredBackend(A, EndpointState.ACTIVE), new DesiredBackend(B, EndpointState.TERMINATING)))), true);
        assertEquals(List.of("putBackend 2"), maps.ops());
        assertEquals(BackendState.TERMINATING, store.backends().get(2).state());
    }

    @Test
    void switchingSessionAffinityRewritesOnlyTheHeader() {
        DesiredFrontend plain = df(F1, A, B);
        DesiredFrontend sticky = new DesiredFrontend(F1, plain.servicePort(), plain.backends(),
                dev.senda.desired.FrontendKind.CLUSTER_IP, new SessionAffinity(3));
        applyOk(state(plain), true);
        maps.clearOps();

        applyOk(state(sticky), true);
        assertEquals(List.of("putService 10.96.0.1:80/TCP/EXTERNAL#0 count=2"), maps.ops());
        assertEquals(ServiceValue.header(1, 2, 0, 3), store.services().get(key(F1, 0)));
        assertEquals(ServiceValue.FLAG_AFFINITY, store.services().get(key(F1, 0)).flags());
        assertEquals(3, store.services().get(key(F1, 0)).backendId(), "the timeout rides in the header's backend_id");

        maps.clearOps();
        applyOk(state(plain), true);
        assertEquals(List.of("putService 10.96.0.1:80/TCP/EXTERNAL#0 count=2"), maps.ops());
        assertEquals(ServiceValue.header(1, 2, 0), store.services().get(key(F1, 0)));
    }

    @Test
    void aBackendActiveForOneFrontendAndTerminatingForAnotherIsActive() {
        applyOk(state(df(F1, List.of(new DesiredBackend(A, EndpointState.TERMINATING))),
                df(F2, List.of(new DesiredBackend(A, EndpointState.ACTIVE)))), true);
        assertEquals(BackendState.ACTIVE, store.backends().get(1).state());
    }

    @Test
    void restoreAfterRestartWritesNothingAndKeepsIds() {
        LbState s = state(df(F1, A, B), df(F2, B, C), df(F3, D), df(fe("10.96.0.9", 443)));
        applyOk(s, true);
        applyOk(state(df(F2, B, C), df(F3, D), df(fe("10.96.0.9", 443))), true);  // frees ids 1 and A's
        applyOk(s, true);

        RecordingLbMaps maps2 = new RecordingLbMaps(store);
        LbReconciler restarted = new LbReconciler(maps2.maps());
        RestoreResult restored = restarted.restore();
        assertEquals(4, restored.frontends());
        assertEquals(4, restored.backends());
        ApplyResult r = restarted.apply(s, false);
        assertEquals(0, r.writes());
        assertEquals(List.of(), maps2.ops());
        assertEquals(new ApplyResult(0, 4, 4, 4, 0, List.of()), r);
        for (Frontend f : s.frontends().keySet()) assertEquals(reconciler.serviceId(f), restarted.serviceId(f), f.toString());
        for (BackendAddress b : List.of(A, B, C, D)) assertEquals(reconciler.backendId(b), restarted.backendId(b), b.toString());
        assertEquals(0, restarted.apply(s, true).writes());
        assertEquals(List.of(), maps2.violations());
    }

    @Test
    void afterRestoreNewIdsContinueAboveTheRestoredOnes() {
        applyOk(state(df(F1, A, B, C)), true);
        LbReconciler restarted = new LbReconciler(maps.maps());
        restarted.restore();
        ApplyResult r = restarted.apply(state(df(F1, A, C), df(F2, D)), true);
        assertTrue(r.ok());
        assertEquals(4, restarted.backendId(D).orElseThrow(), "not the just-freed 2");
        assertEquals(2, restarted.serviceId(F2).orElseThrow());
    }

    @Test
    void reReadingTheMapsRepairsChangesMadeBehindTheReconcilersBack() {
        LbState s = state(df(F1, A, B), df(F2, C));
        applyOk(s, true);
        store.deleteService(key(F1, 2));   // e.g. someone ran bpftool map delete
        store.deleteBackend(3);
        maps.clearOps();
        assertEquals(0, applyOk(s, true).writes(), "the applied view alone does not see drift");
        reconciler.restore();              // what a periodic full resync can do first
        ApplyResult r = applyOk(s, true);
        // C's entry is gone, so its address is unknown under id 3: C gets a fresh id and F2's
        // slot follows it (the maps alone cannot tell which address a dangling id had).
        assertEquals(List.of(
                "putBackend 4",
                "putService 10.96.0.1:80/TCP/EXTERNAL#2 -> 2",
                "putService 10.96.0.2:80/TCP/EXTERNAL#1 -> 4"), maps.ops());
        assertEquals(3, r.writes());
        assertEquals(decode(s), decode(store));
        assertEquals(List.of(), unreachable(store));
        maps.clearViolations();  // the test itself broke the maps; the repair is what is checked here
    }

    @Test
    void staleEntriesFoundOnRestoreArePrunedOnlyWhenAllowed() {
        applyOk(state(df(F1, A, B), df(F2, B, C)), true);
        RecordingLbMaps maps2 = new RecordingLbMaps(store);
        LbReconciler restarted = new LbReconciler(maps2.maps());
        restarted.restore();

        LbState onlyF1 = state(df(F1, A, B));
        ApplyResult before = restarted.apply(onlyF1, false);
        assertEquals(0, before.writes(), "nothing is deleted before every source synced");
        assertEquals(5, before.staleKept(), "F2's header, 2 slots, revnat, and backend C");
        assertEquals(2, decode(store).size());

        ApplyResult after = restarted.apply(onlyF1, true);
        assertTrue(after.ok());
        assertEquals(5, after.writes());
        assertEquals(0, after.staleKept());
        assertEquals(decode(onlyF1), decode(store));
        assertEquals(List.of(), unreachable(store));
        assertEquals(List.of(), maps2.violations());
    }

    @Test
    void aFrontendRemovedBeforeSyncIsKeptUntilPruningIsAllowed() {
        applyOk(state(df(F1, A), df(F2, B)), false);
        maps.clearOps();
        ApplyResult r = applyOk(state(df(F1, A)), false);
        assertEquals(0, r.writes());
        assertTrue(store.services().containsKey(key(F2, 0)));
        r = applyOk(state(df(F1, A)), true);
        assertEquals(4, r.writes());
        assertFalse(store.services().containsKey(key(F2, 0)));
    }

    @Test
    void restoreCleansUpJunkLeftBehindWhenPruningIsAllowed() {
        // Left by a crashed or older agent: a slot beyond its header's count, a slot without a
        // header, an orphan revnat, one backend under two ids, a backend nobody uses.
        store.putBackend(7, new BackendValue(ip("10.0.0.1"), 8080, Protocol.TCP, BackendState.ACTIVE));
        store.putBackend(9, new BackendValue(ip("10.0.0.1"), 8080, Protocol.TCP, BackendState.ACTIVE));
        store.putBackend(11, new BackendValue(ip("10.0.0.5"), 8080, Protocol.TCP, BackendState.ACTIVE));
        store.putService(key(F1, 0), ServiceValue.header(3, 1, 0));
        store.putService(key(F1, 1), ServiceValue.slot(3, 9));
        store.putService(key(F1, 3), ServiceValue.slot(3, 7));
        store.putRevNat(3, new RevNatValue(ip("10.96.0.1"), 80));
        store.putService(key(F2, 4), ServiceValue.slot(5, 7));
        store.putRevNat(8, new RevNatValue(ip("10.96.0.8"), 80));

        RecordingLbMaps maps2 = new RecordingLbMaps(store);
        LbReconciler restarted = new LbReconciler(maps2.maps());
        restarted.restore();
        assertEquals(3, restarted.serviceId(F1).orElseThrow(), "header's id kept");
        assertEquals(7, restarted.backendId(A).orElseThrow(), "lowest id for a duplicated address");

        LbState s = state(df(F1, A, B), df(F3, A));
        ApplyResult r = restarted.apply(s, true);
        assertTrue(r.ok(), () -> r.errors().toString());
        assertEquals(decode(s), decode(store));
        assertEquals(List.of(), unreachable(store));
        assertEquals(List.of(), maps2.violations());
        assertFalse(List.of(5, 8).stream().anyMatch(id -> id == restarted.serviceId(F3).orElseThrow()),
                "ids still referenced by leftovers are not handed out in the same apply");
    }

    @Test
    void anIdOnlyALeftoverMentionsIsFreedOnceTheLeftoverIsPruned() {
        store.putBackend(7, new BackendValue(ip("10.0.0.1"), 8080, Protocol.TCP, BackendState.ACTIVE));
        store.putService(key(F1, 0), ServiceValue.header(3, 1, 0));
        store.putService(key(F1, 1), ServiceValue.slot(3, 7));
        store.putRevNat(3, new RevNatValue(ip("10.96.0.1"), 80));
        store.putRevNat(8, new RevNatValue(ip("10.96.0.8"), 80)); // no header or slot: no frontend owns id 8

        LbReconciler restarted = new LbReconciler(new RecordingLbMaps(store).maps());
        restarted.restore();
        assertEquals(List.of(2, 1), restarted.idsInUse(), "service ids 3 and 8 reserved, backend id 7");
        ApplyResult r = restarted.apply(state(df(F1, A)), true);
        assertTrue(r.ok(), () -> r.errors().toString());
        assertEquals(0, r.staleKept(), "the orphan reverse NAT was pruned");
        // Every mapped id is desired here, but the allocator still held 8: not a case to skip the release.
        assertEquals(List.of(1, 1), restarted.idsInUse(), "id 8 is free once nothing mentions it");
    }

    @Test
    void restoreTakesAFrontendsIdFromItsHeaderElseFromItsLowestSlot() {
        store.putBackend(7, new BackendValue(ip("10.0.0.1"), 8080, Protocol.TCP, BackendState.ACTIVE));
        // slots that disagree with their header: the header's id counts
        store.putService(key(F1, 0), ServiceValue.header(3, 2, 0));
        store.putService(key(F1, 1), ServiceValue.slot(9, 7));
        store.putService(key(F1, 2), ServiceValue.slot(2, 7));
        // no header: the lowest slot's id. As these keys hash, the mirror reads F2's slot 17 first and slot 3
        // last, F1's header first and slot 1 last: neither "first read wins" nor "last read wins" passes
        store.putService(key(F2, 17), ServiceValue.slot(6, 7));
        store.putService(key(F2, 3), ServiceValue.slot(5, 7));
        store.putService(key(F2, 30), ServiceValue.slot(4, 7));

        LbReconciler restarted = new LbReconciler(new RecordingLbMaps(store).maps());
        RestoreResult restored = restarted.restore();
        assertEquals(3, restarted.serviceId(F1).orElseThrow());
        assertEquals(5, restarted.serviceId(F2).orElseThrow());
        assertEquals(1, restored.frontends(), "headers found");
        LbState s = state(df(F1, A), df(F2, A), df(F3, A));
        assertTrue(restarted.apply(s, false).ok());
        assertFalse(List.of(2, 3, 4, 5, 6, 9).contains(restarted.serviceId(F3).orElseThrow()),
                "an id any entry still holds is not handed out");
    }

    @Test
    void idsNoAgentHandsOutInThePinnedMapsAreLeftAloneAndCostNothing() {
        // A bpftool edit, or a newer version with a wider id range: u32 ids above 2^31 decode negative,
        // and large ones must not size any bookkeeping (a bit set or array per id would take megabytes).
        store.putRevNat(0x80000005, new RevNatValue(ip("10.96.0.9"), 80));
        store.putService(key(F2, 1), ServiceValue.slot(0x7fff0000, 0x80000007));
        store.putBackend(LbReconciler.MAX_BACKEND_ID, new BackendValue(ip("10.0.0.9"), 8080, Protocol.TCP, BackendState.ACTIVE));

        RecordingLbMaps maps2 = new RecordingLbMaps(store);
        LbReconciler restarted = new LbReconciler(maps2.maps());
        restarted.restore();
        LbState s = state(df(F1, A, B));
        ApplyResult r = restarted.apply(s, true);
        assertTrue(r.ok(), () -> r.errors().toString());
        assertEquals(decode(s), decode(store));
        assertEquals(List.of(), maps2.violations());
    }

    @Test
    void aFailedWriteIsReportedAndTheNextApplyDoesExactlyTheMissingWrites() {
        List<LbState> history = List.of(
                state(df(F1, A, B), df(F2, B, C)),
                state(df(F1, A, C, D), df(F3, B)),          // grow, replace, remove F2, add F3
                state(df(F1, D), df(F3, B, A), df(F2)),     // shrink, grow, re-add F2 empty
                LbState.empty());
        for (int step = 0; step < history.size(); step++) {
            // Clean run of this step: its write count and resulting maps.
            TestLbMaps cleanStore = new TestLbMaps();
            LbReconciler clean = new LbReconciler(cleanStore.maps());
            for (int i = 0; i < step; i++) assertTrue(clean.apply(history.get(i), true).ok());
            int total = clean.apply(history.get(step), true).writes();
            assertTrue(total > 0);

            for (int n = 1; n <= total; n++) {
                TestLbMaps faultStore = new TestLbMaps();
                RecordingLbMaps faulty = new RecordingLbMaps(faultStore);
                LbReconciler r = new LbReconciler(faulty.maps());
                for (int i = 0; i < step; i++) assertTrue(r.apply(history.get(i), true).ok());
                faulty.failNthWrite(n);
                ApplyResult failed = r.apply(history.get(step), true);
                String where = "step " + step + ", failing write " + n + " of " + total;
                assertFalse(failed.ok(), where);
                assertTrue(failed.errors().getFirst().contains("injected failure"), where + ": " + failed.errors());
                assertTrue(failed.writes() >= n - 1, where + ": every write before the failed one landed");
                assertTrue(failed.writes() < total, where);
                ApplyResult retry = r.apply(history.get(step), true);
                assertTrue(retry.ok(), where);
                assertEquals(total - failed.writes(), retry.writes(), where + ": the retry does exactly the missing writes");
                assertEquals(cleanStore.services(), faultStore.services(), where);
                assertEquals(cleanStore.backends(), faultStore.backends(), where);
                assertEquals(cleanStore.revNats(), faultStore.revNats(), where);
                assertEquals(List.of(), faulty.violations(), where);
            }
        }
    }

    @Test
    void aFrontendThatCannotBeWrittenDoesNotHoldBackTheOthers() {
        // F1's first slot write fails (write 3: backends A and B come first); F2 must still be programmed.
        maps.failNthWrite(3);
        ApplyResult result = reconciler.apply(state(df(F1, A, B), df(F2, B)), true);
        assertFalse(result.ok());
        assertEquals(1, result.errors().size(), result.errors().toString());
        var programmed = decode(store);
        var f2Only = decode(state(df(F2, B)));
        String f2 = f2Only.keySet().iterator().next();
        assertEquals(f2Only.get(f2), programmed.get(f2), "F2 programmed despite F1: " + programmed);
        assertEquals(List.of(), maps.violations());
        assertTrue(reconciler.apply(state(df(F1, A, B), df(F2, B)), true).ok());
        assertEquals(decode(state(df(F1, A, B), df(F2, B))), decode(store));
    }

    @Test
    void aFailedApplyFollowedByADifferentStateConverges() {
        applyOk(state(df(F1, A, B)), true);
        maps.failNthWrite(2);
        assertFalse(reconciler.apply(state(df(F1, C, D), df(F2, A)), true).ok());
        LbState s = state(df(F2, B));
        applyOk(s, true);
        assertEquals(decode(s), decode(store));
        assertEquals(List.of(), unreachable(store));
        assertTrue(reconciler.backendId(C).isEmpty(), "C landed, then was pruned: id freed");
        assertTrue(reconciler.backendId(D).isEmpty(), "D's write never landed: id freed");
    }

    @Test
    void internalScopeAndUdpAreSeparateFrontends() {
        Frontend ext = new Frontend(addr("10.96.0.10"), 53, L4Protocol.UDP, FrontendScope.EXTERNAL);
        Frontend in = new Frontend(addr("10.96.0.10"), 53, L4Protocol.UDP, FrontendScope.INTERNAL);
        Frontend tcp = new Frontend(addr("10.96.0.10"), 53, L4Protocol.TCP, FrontendScope.EXTERNAL);
        BackendAddress dnsUdp = new BackendAddress(addr("10.0.0.9"), 53, L4Protocol.UDP);
        BackendAddress dnsTcp = new BackendAddress(addr("10.0.0.9"), 53, L4Protocol.TCP);
        LbState s = state(df(ext, dnsUdp), df(in, dnsUdp), df(tcp, dnsTcp));
        ApplyResult r = applyOk(s, true);
        assertEquals(3, r.frontends());
        assertEquals(2, r.backends());
        assertEquals(1, r.services(), "one Service name across its frontends");
        assertEquals(decode(s), decode(store));
    }

    static ServiceKey key(Frontend f, int slot) {
        return LbEncoding.headerKey(f).withSlot(slot);
    }
}
