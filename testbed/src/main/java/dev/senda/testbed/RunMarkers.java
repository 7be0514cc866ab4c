package dev.senda.testbed;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Marks which process owns each testbed prefix, so that what a killed run (SIGKILL, OOM, power
 * cut of a CI job) left behind is removed by the next run instead of failing every later one.
 *
 * <p>A marker {@code /run/senda-testbed/<prefix>} holds the owner's PID and its start time (so a
 * reused PID is not mistaken for the owner). {@link #sweepStale} removes, for every marker whose
 * owner is gone, exactly what a testbed and its agent create under that prefix: the namespaces
 * {@code <prefix>-*}, the cgroup {@code <cgroup2>/<prefix>} (with a cluster's per-node child cgroups)
 * the pins under {@code /sys/fs/bpf/<prefix>} (a cluster's per-node roots included) and host-local's
 * state of a CNI run ({@code /run/senda-testbed/cni/<prefix>}). Nothing without a marker is ever touched. /run is a tmpfs, so
 * markers do not survive a reboot (and neither do namespaces or pins).
 */
final class RunMarkers {
    static final Path DIR = Path.of("/run/senda-testbed");

    private RunMarkers() {
    }

    /** Claims the prefix for this process; false when another run holds it already (atomic). */
    static boolean tryMark(String prefix) throws IOException {
        Files.createDirectories(DIR);
        long pid = ProcessHandle.current().pid();
        try {
            Files.writeString(DIR.resolve(prefix), pid + " " + startTime(pid).orElse("?") + "\n",
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        }
    }

    /**
     * Notes a process the run started, so that a sweep after the run was killed can stop it (by PID,
     * and only if that PID still has the same start time).
     */
    static void recordChild(String prefix, long pid) {
        try {
            Files.writeString(DIR.resolve(prefix), "child " + pid + " " + startTime(pid).orElse("?") + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // without the note a leftover child is only reported by the next sweep's failure
        }
    }

    static void unmark(String prefix) {
        try {
            Files.deleteIfExists(DIR.resolve(prefix));
        } catch (IOException e) {
            // a stale marker of a cleaned run only costs the next run an empty sweep
        }
    }

    /** Removes the leftovers of every marked run whose owner process is gone; returns their prefixes. */
    static List<String> sweepStale() {
        List<String> swept = new ArrayList<>();
        if (!Files.isDirectory(DIR)) return swept;
        try (DirectoryStream<Path> markers = Files.newDirectoryStream(DIR, "sd[0-9a-f][0-9a-f][0-9a-f][0-9a-f]")) {
            for (Path marker : markers) {
                if (ownerAlive(marker)) continue;
                String prefix = marker.getFileName().toString();
                stopChildren(marker);
                if (sweep(prefix)) {
                    unmark(prefix);
                    swept.add(prefix);
                }
            }
        } catch (IOException e) {
            // nothing to sweep that we can see
        }
        return swept;
    }

    /** Kills the children a dead run recorded, each only if its PID still names the same process. */
    private static void stopChildren(Path marker) {
        List<ProcessHandle> killed = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(marker)) {
                String[] f = line.strip().split(" ");
                if (f.length != 3 || !f[0].equals("child")) continue;
                long pid = Long.parseLong(f[1]);
                if (startTime(pid).filter(f[2]::equals).isPresent()) {
                    ProcessHandle.of(pid).ifPresent(h -> {
                        h.destroyForcibly();
                        killed.add(h);
                    });
                }
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        for (ProcessHandle h : killed) {
            while (h.isAlive() && System.nanoTime() < deadline) Cgroup2.sleep(20);
        }
    }

    private static boolean ownerAlive(Path marker) {
        try {
            String[] f = Files.readAllLines(marker).getFirst().strip().split(" ");
            long pid = Long.parseLong(f[0]);
            Optional<String> start = startTime(pid);
            return start.isPresent() && (f.length < 2 || f[1].equals("?") || f[1].equals(start.get()));
        } catch (IOException | RuntimeException e) {
            return true; // unreadable: leave it alone
        }
    }

    /**
     * Field 22 of /proc/PID/stat: the process start time in clock ticks since boot; empty when there
     * is no such process or it is a zombie (dead, not yet reaped).
     */
    private static Optional<String> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (f[0].equals("Z") || f[0].equals("X")) return Optional.empty();
            return Optional.of(f[19]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean sweep(String prefix) {
        boolean clean = true;
        try {
            for (String line : Exec.check("ip", "netns", "list").stdout().split("\n")) {
                String name = line.split(" ")[0];
                if (name.startsWith(prefix + "-")) clean &= Exec.run(Duration.ofSeconds(10), "ip", "netns", "del", name).ok();
            }
            Path pins = Path.of("/sys/fs/bpf", prefix);
            if (Files.isDirectory(pins)) {
                // unlinking a pinned link detaches its program; maps go with their last reference
                try (Stream<Path> all = Files.walk(pins)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
            Cni.deleteTree(Cni.runDataRoot(prefix)); // host-local's address records of a CNI run
            Path cgroup = Cgroup2.mountPoint().resolve(prefix);
            if (Files.isDirectory(cgroup)) {
                // a cluster's nodes each have a child cgroup <prefix>/<node>: children first (rmdir needs them gone)
                try (Stream<Path> children = Files.list(cgroup)) {
                    for (Path child : children.filter(Files::isDirectory).toList()) Cgroup2.remove(child, Duration.ofSeconds(2));
                }
                Cgroup2.remove(cgroup, Duration.ofSeconds(2));
            }
        } catch (IOException | RuntimeException e) {
            clean = false;
        }
        return clean;
    }
}
