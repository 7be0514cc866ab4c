package dev.senda.desired;

import java.util.Objects;

/**
 * One endpoint of one Service port, as endpoint selection sees it: the input of
 * {@link EndpointCategorizer#categorize}. The same address may appear more than once (an endpoint in
 * two slices during a reshuffle); selection counts it once.
 *
 * @param address   where it listens (the slice's port number for the Service port)
 * @param readiness its conditions
 * @param nodeName  the node it runs on; null when unknown (then it is never local)
 * @param zone      its zone; null when unknown
 * @param hints     the zones and nodes it is hinted for ({@link TopologyHints#NONE} when none)
 */
record PortEndpoint(BackendAddress address, EndpointReadiness readiness, String nodeName, String zone,
                    TopologyHints hints) {
    PortEndpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(hints, "hints");
    }
}
