package dev.senda.maps.policy;

import java.util.List;

/**
 * Value of {@code senda_polrule4_v1/senda_polrule6_v1} ({@code struct senda_polrule_value}): the
 * allowed ranges for the key's peer prefix; none = deny.
 *
 * @param ports at most {@link #MAX_PORTS}
 */
public record PolicyRuleValue(List<PolicyPort> ports) {
    /** {@code SENDA_POL_PORTS_MAX}. */
    public static final int MAX_PORTS = 16;

    public PolicyRuleValue {
        ports = List.copyOf(ports);
        if (ports.size() > MAX_PORTS) {
            throw new IllegalArgumentException(ports.size() + " port ranges, at most " + MAX_PORTS + " fit");
        }
    }
}
