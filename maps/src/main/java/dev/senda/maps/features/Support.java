package dev.senda.maps.features;

/** A probe's answer. */
public enum Support {
    /** The kernel did what the feature needs. */
    YES,
    /** The kernel refused it; the finding says how. */
    NO,
    /** The probe could not ask (no privileges, an unexpected error); the finding says why. */
    UNKNOWN;

    /** "yes", "no", "unknown": how summaries and JSON print it. */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
