package dev.senda.maps.policy;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.Objects;

/**
 * Key of {@code senda_polep4_v1/senda_polep6_v1}: a local pod's address; its family picks the map.
 *
 * @param address the pod's address
 */
public record PolicyEndpointKey(IpAddress address) implements Comparable<PolicyEndpointKey> {
    public PolicyEndpointKey {
        Objects.requireNonNull(address, "address");
    }

    public IpFamily family() {
        return address.family();
    }

    @Override
    public int compareTo(PolicyEndpointKey o) {
        return address.compareTo(o.address);
    }

    @Override
    public String toString() {
        return "policy endpoint " + address;
    }
}
