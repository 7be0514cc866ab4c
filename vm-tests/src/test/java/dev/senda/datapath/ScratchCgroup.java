package dev.senda.datapath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh, uniquely named ({@code sd<4 hex>}) child of the cgroup v2 mount, so programs attached
 * to it affect only processes the test puts there. {@link #close} waits (bounded) for those
 * processes to be gone and removes the directory.
 */
final class ScratchCgroup implements AutoCloseable {
    private final Path dir;

    private ScratchCgroup(Path dir) {
        this.dir = dir;
    }

    static ScratchCgroup create() {
        Path root = cgroup2Mount();
        Path dir = root.resolve("sd" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()));
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("create cgroup " + dir, e);
        }
        return new ScratchCgroup(dir);
    }

    Path dir() {
        return dir;
    }

    Path procs() {
        return dir.resolve("cgroup.procs");
    }

    /** The mount point of the cgroup2 hierarchy (hybrid hosts mount it at /sys/fs/cgroup/unified). */
    static Path cgroup2Mount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                // ... mount-point ... - fstype source options
                String[] halves = line.split(" - ", 2);
                if (halves.length == 2 && halves[1].startsWith("cgroup2 ")) {
                    return Path.of(halves[0].split(" ")[4]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/self/mountinfo", e);
        }
        throw new IllegalStateException("no cgroup2 filesystem is mounted");
    }

    @Override
    public void close() {
        try {
            // An exited child leaves the cgroup asynchronously; rmdir fails with EBUSY until then.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (true) {
                try {
                    Files.delete(dir);
                    return;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) throw e;
                    Thread.sleep(20);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("remove cgroup " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while removing cgroup " + dir, e);
        }
    }
}
