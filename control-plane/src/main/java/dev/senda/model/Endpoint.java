package dev.senda.model;

import java.util.List;
import java.util.Objects;

/**
 * One endpoint of an EndpointSlice.
 *
 * @param addresses  as given (the API says consumers use the first one); never null, may be empty
 * @param conditions never null ({@link EndpointConditions#UNSET} when the object had none)
 * @param nodeName   null when absent
 * @param zone       null when absent
 * @param hostname   null when absent
 * @param zoneHints  the zone names of {@code hints.forZones}, as given; empty when there is no hint
 * @param nodeHints  the node names of {@code hints.forNodes}, as given; empty when there is no hint
 */
public record Endpoint(List<String> addresses, EndpointConditions conditions, String nodeName, String zone,
                       String hostname, List<String> zoneHints, List<String> nodeHints) {
    public Endpoint {
        addresses = Immutables.list(addresses);
        conditions = Objects.requireNonNullElse(conditions, EndpointConditions.UNSET);
        zoneHints = Immutables.list(zoneHints);
        nodeHints = Immutables.list(nodeHints);
    }

    /** An endpoint without topology hints. */
    public Endpoint(List<String> addresses, EndpointConditions conditions, String nodeName, String zone,
                    String hostname) {
        this(addresses, conditions, nodeName, zone, hostname, List.of(), List.of());
    }
}
