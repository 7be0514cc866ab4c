package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import java.util.Objects;

/**
 * Key of {@code senda_ct4_v2/senda_ct6_v1} ({@code struct senda_ct4_key / senda_ct6_key}): one direction of one flow.
 *
 * @param saddr source address of the packet
 * @param daddr destination address of the packet
 * @param sport source port, 0..65535
 * @param dport destination port, 0..65535
 * @param proto L4 protocol
 * @param dir   which half of the flow
 */
public record CtKey(IpAddress saddr, IpAddress daddr, int sport, int dport, Protocol proto, CtDirection dir) {
    public CtKey {
        Objects.requireNonNull(saddr, "saddr");
        Objects.requireNonNull(daddr, "daddr");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(dir, "dir");
        if (saddr.family() != daddr.family()) throw new IllegalArgumentException("mixed families: " + saddr + ", " + daddr);
        Ports.check("sport", sport);
        Ports.check("dport", dport);
    }

    public dev.senda.net.IpFamily family() {
        return saddr.family();
    }
}
