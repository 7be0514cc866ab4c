package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.TestLbMaps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.senda.desired.DesiredFrontend;
import dev.senda.reconcile.table.PhasedWriter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static dev.senda.reconcile.States.be;
import static dev.senda.reconcile.States.df;
import static dev.senda.reconcile.States.fe;
import static dev.senda.reconcile.States.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frontends step of {@link LbWriteOrder} written phase by phase across frontends (every slot, then
 * every reverse NAT, then every header: a few batches in all) when the maps say every new key fits,
 * and frontend by frontend when they do not, so a full map still holds whole frontends and names the
 * rest. Either way a reader never sees a header before its slots, backends and reverse NAT. A step of
 * fewer than {@link PhasedWriter#PHASE_WIDE_MIN_GROUPS} frontends (an incremental apply) always goes
 * frontend by frontend.
 */
class PhaseWideWriteOrderTest {
    private static final BackendAddress A = be("10.0.0.1", 8080);
    private static final BackendAddress B = be("10.0.0.2", 8080);
    /** Enough frontends for a phase-wide step; each needs three service entries (two slots, a header). */
    private static final int N = PhasedWriter.PHASE_WIDE_MIN_GROUPS;

    private final RecordingLbMaps maps = new RecordingLbMaps(new TestLbMaps());
    private final LbReconciler reconciler = new LbReconciler(maps.maps());

    @AfterEach
    void readerNeverSawAHalfBuiltFrontend() {
        assertEquals(List.of(), maps.violations());
    }

    private static LbState frontends(int count) {
        return state(IntStream.rangeClosed(1, count)
                .mapToObj(i -> df(fe("10.96." + (i / 250) + "." + (i % 250 + 1), 80), A, B))
                .toArray(DesiredFrontend[]::new));
    }

    private List<String> kinds() {
        return maps.ops().stream().map(op -> op.startsWith("putService")
                ? (op.contains("#0") ? "header" : "slot") : op.substring(0, op.indexOf(' '))).toList();
    }

    /** The two shared backends, then {@code frontends} whole frontends one after the other. */
    private static List<String> frontendByFrontend(int frontends) {
        List<String> expected = new ArrayList<>(List.of("putBackend", "putBackend"));
        for (int i = 0; i < frontends; i++) expected.addAll(List.of("slot", "slot", "putRevNat", "header"));
        return expected;
    }

    @Test
    void whenEveryNewKeyFitsEachPhaseIsWrittenForEveryFrontendBeforeTheNext() {
        maps.maxEntries(3 * N + 3); // room for every entry and the 1 % margin
        ApplyResult r = reconciler.apply(frontends(N), true);
        assertTrue(r.ok(), r::toString);
        List<String> expected = new ArrayList<>(List.of("putBackend", "putBackend"));
        expected.addAll(Collections.nCopies(2 * N, "slot"));
        expected.addAll(Collections.nCopies(N, "putRevNat"));
        expected.addAll(Collections.nCopies(N, "header"));
        assertEquals(expected, kinds());
    }

    @Test
    void whenTheNewKeysDoNotFitFrontendsAreWrittenOneByOneAndTheOneThatDoesNotFitIsNamed() {
        maps.maxEntries(3 * N - 2); // the last frontend's second slot finds the map full
        ApplyResult r = reconciler.apply(frontends(N), true);
        List<String> expected = frontendByFrontend(N - 1);
        expected.add("slot");
        assertEquals(expected, kinds());
        assertEquals(1, r.failures(), r::toString);
        assertEquals(1, r.unprogrammed().count(), r::toString);
        String last = "10.96." + (N / 250) + "." + (N % 250 + 1); // as frontends(N) names the last one
        assertTrue(r.unprogrammed().first().getFirst().contains(last), r::toString);
        assertEquals(N - 1, r.frontends(), r::toString);
    }

    @Test
    void mapsThatCannotSayTheirSizeAreWrittenFrontendByFrontend() {
        ApplyResult r = reconciler.apply(frontends(N), true);
        assertTrue(r.ok(), r::toString);
        assertEquals(frontendByFrontend(N), kinds());
    }

    @Test
    void aStepOfAFewFrontendsIsWrittenFrontendByFrontendThoughEverythingFits() {
        maps.maxEntries(1000);
        ApplyResult r = reconciler.apply(frontends(3), true);
        assertTrue(r.ok(), r::toString);
        assertEquals(frontendByFrontend(3), kinds());
    }
}
