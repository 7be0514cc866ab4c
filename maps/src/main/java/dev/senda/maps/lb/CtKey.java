package dev.senda.maps.lb;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * Key of {@code senda_ct4_v2} ({@code struct senda_ct4_key}): one direction of one flow.
 *
 * @param saddr source address of the packet
 * @param daddr destination address of the packet
 * @param sport source port, 0..65535
 * @param dport destination port, 0..65535
 * @param proto L4 protocol
 * @param dir   which half of the flow
 */
public record CtKey(Inet4Address saddr, Inet4Address daddr, int sport, int dport, Protocol proto, CtDirection dir) {
    public CtKey {
        Objects.requireNonNull(saddr, "saddr");
        Objects.requireNonNull(daddr, "daddr");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(dir, "dir");
        Ports.check("sport", sport);
        Ports.check("dport", dport);
    }
}
