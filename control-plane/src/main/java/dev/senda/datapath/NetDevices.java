package dev.senda.datapath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Network interfaces of the network namespace this process runs in.
 *
 * <p>Reads {@code /proc/self/net/dev} and asks libc's {@code if_nametoindex}: both follow the
 * process's network namespace, whereas {@code /sys/class/net} shows the namespace that mounted
 * sysfs (the host's, under {@code nsenter --net}).
 */
public final class NetDevices {
    private static final MethodHandle IF_NAMETOINDEX = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("if_nametoindex").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private NetDevices() {
    }

    /** Interface name -> ifindex, for every interface present now (a racing removal is left out). */
    public static Map<String, Integer> list() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/net/dev"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list network interfaces from /proc/self/net/dev", e);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String name = line.substring(0, colon).strip();
            int index = ifindex(name);
            if (index > 0) out.put(name, index);
        }
        return out;
    }

    /** The ifindex of {@code name}, or 0 when no such interface exists. */
    public static int ifindex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) IF_NAMETOINDEX.invokeExact(arena.allocateFrom(name));
        } catch (Throwable t) {
            throw new IllegalStateException("if_nametoindex(" + name + ") failed", t);
        }
    }
}
