package dev.senda.desired;

import java.util.Objects;

/**
 * A frontend an expander gives a Service, before endpoints are chosen.
 *
 * @param frontend  the frontend
 * @param port      the Service port it serves (whose endpoints become its backends)
 * @param endpoints which endpoint set its backends come from
 */
record PlannedFrontend(Frontend frontend, ParsedPort port, EndpointCategory endpoints) {
    PlannedFrontend {
        Objects.requireNonNull(frontend, "frontend");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(endpoints, "endpoints");
    }
}
