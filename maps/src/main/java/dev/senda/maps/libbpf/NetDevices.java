package dev.senda.maps.libbpf;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Network device names and indexes in the calling thread's network namespace (libc
 * {@code if_nametoindex}/{@code if_indextoname}). Unlike {@link java.net.NetworkInterface},
 * this also finds devices that are down or have no address, such as a freshly created veth.
 */
public final class NetDevices {
    private NetDevices() {
    }

    /** The ifindex of device {@code name}, if it exists. */
    public static OptionalInt indexOf(String name) {
        int index = Native.ifNameToIndex(name);
        return index > 0 ? OptionalInt.of(index) : OptionalInt.empty();
    }

    /** The name of device {@code ifindex}, if it exists. */
    public static Optional<String> nameOf(int ifindex) {
        return Optional.ofNullable(Native.ifIndexToName(ifindex));
    }
}
