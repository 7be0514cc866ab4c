package dev.senda.maps.libbpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Network device names and indexes in the calling thread's network namespace (libc
 * {@code if_nametoindex}/{@code if_indextoname}). Unlike {@link java.net.NetworkInterface},
 * this also finds devices that are down or have no address, such as a freshly created veth.
 *
 * <p>{@link #list()} reads {@code /proc/self/net/dev}, which follows the process's network
 * namespace, whereas {@code /sys/class/net} shows the namespace that mounted sysfs (the host's,
 * under {@code nsenter --net}).
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

    /** Device name -> ifindex for every device present now (one removed while listing is left out). */
    public static Map<String, Integer> list() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/net/dev"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list network devices from /proc/self/net/dev", e);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String name = line.substring(0, colon).strip();
            indexOf(name).ifPresent(index -> out.put(name, index));
        }
        return out;
    }
}
