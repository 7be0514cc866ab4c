package dev.senda.maps.lb;

import dev.senda.net.IpFamily;

import java.util.Objects;

/**
 * Key of the reverse-NAT maps: a frontend's service id and the family whose map holds it
 * ({@code senda_revnat4_v1} or {@code senda_revnat6_v1}; the C key is the bare {@code __u32} id).
 * Service ids come from one space shared by both families.
 *
 * @param family    which family's map
 * @param serviceId service id, unsigned 32 bits, 0 never used
 */
public record RevNatKey(IpFamily family, int serviceId) implements Comparable<RevNatKey> {
    public RevNatKey {
        Objects.requireNonNull(family, "family");
    }

    @Override
    public int compareTo(RevNatKey o) {
        int c = Integer.compareUnsigned(serviceId, o.serviceId);
        return c != 0 ? c : family.compareTo(o.family);
    }

    @Override
    public String toString() {
        return "revnat " + Integer.toUnsignedString(serviceId) + " (" + family + ")";
    }

    // equals and hashCode written out: these are hash keys by the 100,000 in a sync, and the
    // generated ones (method handles) cost several times as much there.
    @Override
    public boolean equals(Object o) {
        return o instanceof RevNatKey x && serviceId == x.serviceId && family == x.family;
    }

    @Override
    public int hashCode() {
        return serviceId * 31 + family.ordinal();
    }
}
