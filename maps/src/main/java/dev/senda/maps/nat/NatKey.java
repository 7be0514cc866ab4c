package dev.senda.maps.nat;

import dev.senda.maps.lb.Protocol;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.Objects;

/**
 * Key of {@code senda_nat4_v1/senda_nat6_v1} ({@code struct senda_nat4_key / senda_nat6_key}): one
 * half of one source-NATed flow (bpf/lib/abi/nat.h).
 *
 * @param saddr source address of the packet
 * @param daddr destination address of the packet
 * @param sport source port, 0..65535
 * @param dport destination port, 0..65535
 * @param proto L4 protocol
 * @param dir   which half of the flow
 */
public record NatKey(IpAddress saddr, IpAddress daddr, int sport, int dport, Protocol proto, NatDirection dir) {
    public NatKey {
        Objects.requireNonNull(saddr, "saddr");
        Objects.requireNonNull(daddr, "daddr");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(dir, "dir");
        if (saddr.family() != daddr.family()) throw new IllegalArgumentException("mixed families: " + saddr + ", " + daddr);
        if (sport < 0 || sport > 0xffff) throw new IllegalArgumentException("sport out of range: " + sport);
        if (dport < 0 || dport > 0xffff) throw new IllegalArgumentException("dport out of range: " + dport);
    }

    public IpFamily family() {
        return saddr.family();
    }
}
