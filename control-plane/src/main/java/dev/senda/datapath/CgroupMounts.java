package dev.senda.datapath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds where the host mounted cgroup v2 (/sys/fs/cgroup on most nodes, /sys/fs/cgroup/unified on hybrid ones). */
public final class CgroupMounts {
    private CgroupMounts() {
    }

    /** @throws IllegalStateException naming --cgroup-root when no cgroup2 mount exists */
    public static Path cgroup2Mount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) return Path.of(f[1]);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/mounts to find the cgroup2 mount; pass --cgroup-root", e);
        }
        throw new IllegalStateException("no cgroup2 file system is mounted; mount one or pass --cgroup-root");
    }
}
