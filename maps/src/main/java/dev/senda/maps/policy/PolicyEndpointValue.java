package dev.senda.maps.policy;

/**
 * Value of {@code senda_polep4_v1/senda_polep6_v1} ({@code struct senda_polep_value}).
 *
 * @param endpointId      the pod's endpoint id, nonzero, the same for all its addresses
 * @param isolatedIngress {@code SENDA_POL_ISOLATED_INGRESS}: only its ingress rules let packets in
 * @param isolatedEgress  {@code SENDA_POL_ISOLATED_EGRESS}: only its egress rules let packets out
 */
public record PolicyEndpointValue(int endpointId, boolean isolatedIngress, boolean isolatedEgress) {
    public static final int FLAG_ISOLATED_INGRESS = 0x1;
    public static final int FLAG_ISOLATED_EGRESS = 0x2;

    public PolicyEndpointValue {
        if (endpointId == 0) throw new IllegalArgumentException("endpoint id 0 is reserved");
    }

    /** The C flags byte. */
    public int flags() {
        return (isolatedIngress ? FLAG_ISOLATED_INGRESS : 0) | (isolatedEgress ? FLAG_ISOLATED_EGRESS : 0);
    }

    public static PolicyEndpointValue ofFlags(int endpointId, int flags) {
        return new PolicyEndpointValue(endpointId, (flags & FLAG_ISOLATED_INGRESS) != 0,
                (flags & FLAG_ISOLATED_EGRESS) != 0);
    }
}
