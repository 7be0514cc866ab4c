package dev.senda.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The host's cgroup v2 mount and the throwaway cgroups a testbed creates under it. */
public final class Cgroup2 {
    private Cgroup2() {
    }

    /**
     * Where cgroup v2 is mounted, read from /proc/mounts: {@code /sys/fs/cgroup} on most hosts,
     * {@code /sys/fs/cgroup/unified} on hybrid v1/v2 ones.
     *
     * @throws IOException when no cgroup2 file system is mounted
     */
    public static Path mountPoint() throws IOException {
        try {
            return dev.senda.datapath.CgroupMounts.cgroup2Mount();
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Creates {@code <mount>/<name>} (fails if it exists: names are unique per run). */
    public static Path create(String name) throws IOException {
        Path dir = mountPoint().resolve(name);
        Files.createDirectory(dir);
        return dir;
    }

    /** The PIDs currently in the cgroup (not its children). */
    public static List<Long> pids(Path dir) throws IOException {
        Path procs = dir.resolve("cgroup.procs");
        if (!Files.exists(procs)) return List.of();
        return Files.readAllLines(procs).stream().map(String::strip).filter(s -> !s.isEmpty())
                .map(Long::parseLong).toList();
    }

    /**
     * Removes an (empty) cgroup directory. rmdir fails with EBUSY while a process, even a dying one,
     * is still a member, so this retries until {@code bound}.
     *
     * @throws IOException naming the PIDs still inside when the bound passes
     */
    public static void remove(Path dir, Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            if (!Files.exists(dir)) return;
            try {
                // Files.delete maps to rmdir(2) for a directory; cgroupfs ignores its control files.
                Files.delete(dir);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("cannot remove cgroup " + dir + " (still holds pids " + pids(dir) + ")", e);
                }
                sleep(50);
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
