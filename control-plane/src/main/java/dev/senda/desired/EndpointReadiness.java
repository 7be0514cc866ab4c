package dev.senda.desired;

import dev.senda.model.EndpointConditions;

/**
 * An endpoint's conditions with the API's defaults applied: an unset {@code ready} or {@code serving}
 * counts as true, an unset {@code terminating} as false.
 */
record EndpointReadiness(boolean ready, boolean serving, boolean terminating) {
    /** The eight readinesses, by {@link #index}: one instance each, not one per endpoint of a large cluster. */
    private static final EndpointReadiness[] ALL = new EndpointReadiness[8];

    static {
        for (int i = 0; i < ALL.length; i++) ALL[i] = new EndpointReadiness((i & 4) != 0, (i & 2) != 0, (i & 1) != 0);
    }

    static EndpointReadiness of(EndpointConditions c) {
        return ALL[index(c.ready() == null || c.ready(), c.serving() == null || c.serving(),
                c.terminating() != null && c.terminating())];
    }

    private static int index(boolean ready, boolean serving, boolean terminating) {
        return (ready ? 4 : 0) | (serving ? 2 : 0) | (terminating ? 1 : 0);
    }

    /** Usable as a fallback while no endpoint is ready: still serving, on its way out. */
    boolean servingTerminating() {
        return serving && terminating;
    }
}
