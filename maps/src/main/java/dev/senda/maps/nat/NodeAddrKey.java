package dev.senda.maps.nat;

import dev.senda.net.IpFamily;

import java.util.Objects;

/**
 * Key of {@code senda_nodeaddr4_v1/senda_nodeaddr6_v1}: the one entry (C key {@code __u32 0}) of a
 * family's map; the family picks the map.
 */
public record NodeAddrKey(IpFamily family) {
    public NodeAddrKey {
        Objects.requireNonNull(family, "family");
    }
}
