package dev.senda.maps.policy;

import java.util.Objects;

/**
 * Value of {@code senda_polct4_v1/senda_polct6_v1} ({@code struct senda_polct_value}).
 *
 * @param lastSeen  last packet, in the datapath's ~1.07 s clock units (unsigned 32 bits)
 * @param policyId  the policy whose rule allowed the flow, 0 for none
 * @param direction the check that allowed it
 */
public record PolicyCtValue(long lastSeen, int policyId, RuleDirection direction) {
    public PolicyCtValue {
        Objects.requireNonNull(direction, "direction");
    }
}
