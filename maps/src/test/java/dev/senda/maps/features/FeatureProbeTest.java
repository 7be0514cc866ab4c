package dev.senda.maps.features;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe's bookkeeping, with fake per-feature probes (no kernel needed). */
class FeatureProbeTest {
    @Test
    void aProbeThatThrowsIsUnknownAndTheOthersStillRun() {
        KernelFeatures f = new FeatureProbe(feature -> switch (feature) {
            case CLSACT -> throw new IllegalStateException("boom");
            case TCX -> Finding.no("EINVAL");
            default -> Finding.yes();
        }).run();
        assertEquals(Support.UNKNOWN, f.finding(Feature.CLSACT).support());
        assertTrue(f.finding(Feature.CLSACT).detail().contains("boom"), f.finding(Feature.CLSACT).detail());
        assertTrue(f.lacks(Feature.TCX));
        assertTrue(f.has(Feature.SOCK_DESTROY), "probes after the failing one ran");
    }
}
