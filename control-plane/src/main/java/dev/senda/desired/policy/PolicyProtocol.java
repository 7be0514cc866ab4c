package dev.senda.desired.policy;

/**
 * The transport protocol a {@link PortRange} allows. {@link #ANY} comes from a NetworkPolicy rule
 * without {@code ports}: every protocol, including ICMP and protocols without ports, on ports 0..65535.
 */
public enum PolicyProtocol {
    ANY(0), TCP(6), UDP(17), SCTP(132);

    private final int ipProtocol;

    PolicyProtocol(int ipProtocol) {
        this.ipProtocol = ipProtocol;
    }

    /** The IP protocol number as the datapath stores it (0 for {@link #ANY}). */
    public int ipProtocol() {
        return ipProtocol;
    }
}
