package dev.senda.maps.policy;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.Comparator;
import java.util.Objects;

/**
 * Key of {@code senda_polct4_v1/senda_polct6_v1}: a tuple that passes policy because its flow was
 * allowed (bpf/lib/policy4.h says which tuple each checkpoint writes).
 *
 * @param saddr source address
 * @param daddr destination address
 * @param sport source port (ICMP echo: the identifier; other protocols without ports: 0)
 * @param dport destination port (the same)
 * @param proto IP protocol number
 */
public record PolicyCtKey(IpAddress saddr, IpAddress daddr, int sport, int dport, int proto)
        implements Comparable<PolicyCtKey> {
    private static final Comparator<PolicyCtKey> ORDER = Comparator.comparing(PolicyCtKey::saddr)
            .thenComparing(PolicyCtKey::daddr).thenComparingInt(PolicyCtKey::sport)
            .thenComparingInt(PolicyCtKey::dport).thenComparingInt(PolicyCtKey::proto);

    public PolicyCtKey {
        Objects.requireNonNull(saddr, "saddr");
        Objects.requireNonNull(daddr, "daddr");
        if (saddr.family() != daddr.family()) throw new IllegalArgumentException("mixed families: " + saddr + ", " + daddr);
        if (sport < 0 || sport > 0xffff || dport < 0 || dport > 0xffff) throw new IllegalArgumentException("port out of range");
        if (proto < 0 || proto > 255) throw new IllegalArgumentException("protocol out of range: " + proto);
    }

    public IpFamily family() {
        return saddr.family();
    }

    @Override
    public int compareTo(PolicyCtKey o) {
        return ORDER.compare(this, o);
    }
}
