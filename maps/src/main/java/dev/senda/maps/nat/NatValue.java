package dev.senda.maps.nat;

import dev.senda.net.IpAddress;

import java.util.Objects;

/**
 * Value of {@code senda_nat4_v1/senda_nat6_v1}: for an OUT entry the source to write (this node's
 * address and the flow's NAT port), for an IN entry the client to restore as destination.
 *
 * @param address  see above
 * @param port     see above, 0..65535
 * @param flags    {@code SENDA_NAT_FLAG_*}: {@link #FLAG_CLOSING}
 * @param lastSeen last use, in the datapath's ~1.07 s clock units (unsigned 32 bits)
 */
public record NatValue(IpAddress address, int port, int flags, long lastSeen) {
    /** {@code SENDA_NAT_FLAG_CLOSING}: a TCP FIN or RST went through the flow. */
    public static final int FLAG_CLOSING = 0x1;

    public NatValue {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
    }
}
