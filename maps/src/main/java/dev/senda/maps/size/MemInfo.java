package dev.senda.maps.size;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node's total memory, from {@code /proc/meminfo}: what map size defaults are derived from. */
public final class MemInfo {
    /** Assumed when /proc/meminfo cannot be read: the defaults' floors apply at this size anyway. */
    static final long FALLBACK_BYTES = 4L << 30;

    private MemInfo() {
    }

    /** MemTotal in bytes (the container's limit is not taken: BPF maps are kernel memory of the node). */
    public static long totalBytes() {
        try {
            return parse(Files.readString(Path.of("/proc/meminfo")));
        } catch (IOException | RuntimeException e) {
            return FALLBACK_BYTES;
        }
    }

    /** MemTotal of a /proc/meminfo text, in bytes. */
    static long parse(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;  // kB
            }
        }
        throw new IllegalArgumentException("no MemTotal in /proc/meminfo");
    }
}
