package dev.senda.maps.lb;

import dev.senda.net.IpFamily;

import java.util.Objects;

/**
 * Key of the backend maps: a backend id and the family whose map holds it
 * ({@code senda_backend4_v1} or {@code senda_backend6_v1}; the C key is the bare {@code __u32} id).
 * Backend ids come from one space shared by both families, so an id lives in one map only.
 *
 * @param family which family's map
 * @param id     backend id, unsigned 32 bits, 0 never used
 */
public record BackendKey(IpFamily family, int id) implements Comparable<BackendKey> {
    public BackendKey {
        Objects.requireNonNull(family, "family");
    }

    @Override
    public int compareTo(BackendKey o) {
        int c = Integer.compareUnsigned(id, o.id);
        return c != 0 ? c : family.compareTo(o.family);
    }

    @Override
    public String toString() {
        return "backend " + Integer.toUnsignedString(id) + " (" + family + ")";
    }

    // equals and hashCode written out: these are hash keys by the 100,000 in a sync, and the
    // generated ones (method handles) cost several times as much there.
    @Override
    public boolean equals(Object o) {
        return o instanceof BackendKey x && id == x.id && family == x.family;
    }

    @Override
    public int hashCode() {
        return id * 31 + family.ordinal();
    }
}
