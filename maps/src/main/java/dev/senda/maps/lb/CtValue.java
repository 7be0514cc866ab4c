package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/**
 * Value of {@code senda_ct4_v2/senda_ct6_v1} ({@code struct senda_ct4_value / senda_ct6_value}, 28 bytes).
 *
 * <p>Forward entry: {@code natAddr/natPort} is the backend; {@code origAddr/origPort} the
 * client's original source (used when hairpin rewrote it). Reply entry: {@code natAddr/natPort}
 * is the VIP/port to restore as source, {@code origAddr/origPort} the client to restore as
 * destination. Both: {@code backendId} is the flow's backend in {@code senda_backend4_v1/6}; the
 * datapath balances a UDP datagram or a TCP SYN afresh when that id no longer names
 * {@code natAddr:natPort} of the forward entry.
 *
 * @param serviceId frontend id ({@code senda_revnat4_v1/6} key), unsigned 32 bits
 * @param flags     {@code SENDA_CT_FLAG_*}, 0..255
 * @param lastSeen  {@code bpf_ktime_get_ns() >> 30} at last use, 0..2^32-1
 * @param backendId {@code senda_backend4_v1/6} key of the flow's backend, unsigned 32 bits; 0 means
 *                  unknown (ids start at 1)
 */
public record CtValue(IpAddress natAddr, IpAddress origAddr, int natPort, int origPort, int serviceId,
                      int flags, long lastSeen, int backendId) {
    /** {@code SENDA_CT_FLAG_HAIRPIN}: the source was rewritten to the VIP (client == backend). */
    public static final int FLAG_HAIRPIN = 0x1;
    /**
     * {@code SENDA_CT_FLAG_NODE_VIP}: the frontend is an address of this node (NodePort); replies leave
     * with it as source, which the stack would drop as a martian, so the reply stage routes them out.
     */
    public static final int FLAG_NODE_VIP = 0x2;

    public CtValue {
        Objects.requireNonNull(natAddr, "natAddr");
        Objects.requireNonNull(origAddr, "origAddr");
        if (natAddr.family() != origAddr.family()) {
            throw new IllegalArgumentException("mixed families: " + natAddr + ", " + origAddr);
        }
        Ports.check("natPort", natPort);
        Ports.check("origPort", origPort);
        if (flags < 0 || flags > 0xff) throw new IllegalArgumentException("flags out of range: " + flags);
        if (lastSeen < 0 || lastSeen > 0xffff_ffffL) {
            throw new IllegalArgumentException("lastSeen out of range: " + lastSeen);
        }
    }
}
