package dev.senda.maps.policy;

/**
 * One allowed destination port range of a rule entry ({@code struct senda_polport}).
 *
 * @param protocol IP protocol number: 6, 17, 132, or {@link #ANY} (every protocol, ports 0..65535)
 * @param first    first port, inclusive
 * @param last     last port, inclusive
 * @param policyId the id of the NetworkPolicy that allowed it (for the counters)
 */
public record PolicyPort(int protocol, int first, int last, int policyId) {
    /** {@code SENDA_POL_PROTO_ANY}. */
    public static final int ANY = 0;

    public PolicyPort {
        if (protocol < 0 || protocol > 255) throw new IllegalArgumentException("protocol out of range: " + protocol);
        if (first < 0 || last > 0xffff || first > last) {
            throw new IllegalArgumentException("port range " + first + "-" + last + " out of 0..65535");
        }
        if (policyId < 0 || policyId > 0xffff) throw new IllegalArgumentException("policy id out of range: " + policyId);
    }

    /** "TCP 80", "UDP 1000-2000", "ANY", "proto 99 1-2". */
    public String describe() {
        String p = switch (protocol) {
            case ANY -> "ANY";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> "proto " + protocol;
        };
        if (protocol == ANY && first == 0 && last == 0xffff) return p;
        return p + " " + (first == last ? Integer.toString(first) : first + "-" + last);
    }
}
