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
 */
public record Endpoint(List<String> addresses, EndpointConditions conditions, String nodeName, String zone,
                       String hostname) {
    public Endpoint {
        addresses = Immutables.list(addresses);
        conditions = Objects.requireNonNullElse(conditions, EndpointConditions.UNSET);
    }
}
