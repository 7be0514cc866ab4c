package dev.senda.desired;

import dev.senda.model.EndpointConditions;

/**
 * An endpoint's conditions with the API's defaults applied: an unset {@code ready} or {@code serving}
 * counts as true, an unset {@code terminating} as false.
 */
record EndpointReadiness(boolean ready, boolean serving, boolean terminating) {
    static EndpointReadiness of(EndpointConditions c) {
        return new EndpointReadiness(c.ready() == null || c.ready(), c.serving() == null || c.serving(),
                c.terminating() != null && c.terminating());
    }

    /** Usable as a fallback while no endpoint is ready: still serving, on its way out. */
    boolean servingTerminating() {
        return serving && terminating;
    }
}
