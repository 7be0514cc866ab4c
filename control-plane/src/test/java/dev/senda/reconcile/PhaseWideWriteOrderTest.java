package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.TestLbMaps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

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
 * rest. Either way a reader never sees a header before its slots, backends and reverse NAT.
 */
class PhaseWideWriteOrderTest {
    private static final BackendAddress A = be("10.0.0.1", 8080);
    private static final BackendAddress B = be("10.0.0.2", 8080);
    private static final LbState THREE = state(
            df(fe("10.96.0.1", 80), A, B), df(fe("10.96.0.2", 80), A, B), df(fe("10.96.0.3", 80), A, B));

    private final RecordingLbMaps maps = new RecordingLbMaps(new TestLbMaps());
    private final LbReconciler reconciler = new LbReconciler(maps.maps());

    @AfterEach
    void readerNeverSawAHalfBuiltFrontend() {
        assertEquals(List.of(), maps.violations());
    }

    private List<String> kinds() {
        return maps.ops().stream().map(op -> op.startsWith("putService")
                ? (op.contains("#0") ? "header" : "slot") : op.substring(0, op.indexOf(' '))).toList();
    }

    @Test
    void whenEveryNewKeyFitsEachPhaseIsWrittenForEveryFrontendBeforeTheNext() {
        maps.maxEntries(9);
        ApplyResult r = reconciler.apply(THREE, true);
        assertTrue(r.ok(), r::toString);
        assertEquals(List.of("putBackend", "putBackend", "slot", "slot", "slot", "slot", "slot", "slot",
                "putRevNat", "putRevNat", "putRevNat", "header", "header", "header"), kinds());
    }

    @Test
    void whenTheNewKeysDoNotFitFrontendsAreWrittenOneByOneAndTheOneThatDoesNotFitIsNamed() {
        maps.maxEntries(7); // 3 frontends x 3 service entries do not fit: the third's second slot fails
        ApplyResult r = reconciler.apply(THREE, true);
        assertEquals(List.of("putBackend", "putBackend", "slot", "slot", "putRevNat", "header",
                "slot", "slot", "putRevNat", "header", "slot"), kinds());
        assertEquals(1, r.failures(), r::toString);
        assertEquals(1, r.unprogrammed().count(), r::toString);
        assertTrue(r.unprogrammed().first().getFirst().contains("10.96.0.3"), r::toString);
        assertEquals(2, r.frontends(), r::toString);
    }

    @Test
    void mapsThatCannotSayTheirSizeAreWrittenFrontendByFrontend() {
        ApplyResult r = reconciler.apply(THREE, true);
        assertTrue(r.ok(), r::toString);
        assertEquals(List.of("putBackend", "putBackend", "slot", "slot", "putRevNat", "header",
                "slot", "slot", "putRevNat", "header", "slot", "slot", "putRevNat", "header"), kinds());
    }
}
