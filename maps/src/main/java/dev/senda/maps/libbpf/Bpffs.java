package dev.senda.maps.libbpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Makes sure a pin root lives on a BPF filesystem.
 *
 * <p>Pins only work on bpffs, and a fresh node (or a container) may not have one mounted. The
 * rule: if the root's nearest existing ancestor is on bpffs, only the missing directories are
 * created. Otherwise a bpffs is mounted on {@code /sys/fs/bpf} when the root is under it (sysfs
 * does not allow mkdir, and /sys/fs/bpf is the conventional mount point that bpftool and other
 * tools look at), or on the root directory itself (created first) when it is elsewhere.
 *
 * <p>Check and mount happen under an exclusive file lock so that two processes starting at
 * the same time do not stack two bpffs instances (the lower one, and its pins, would vanish
 * from view).
 */
public final class Bpffs {
    private static final Logger LOG = LoggerFactory.getLogger(Bpffs.class);

    /** {@code BPF_FS_MAGIC} from linux/magic.h. */
    public static final long BPF_FS_MAGIC = 0xCAFE4A11L;

    static final Path SYS_FS_BPF = Path.of("/sys/fs/bpf");
    private static final Path LOCK_FILE = Path.of("/run/lock/senda-bpffs.lock");

    /** {@code struct statfs} is 120 bytes on 64-bit Linux; leave room. */
    private static final int STATFS_SIZE = 256;

    private Bpffs() {
    }

    /**
     * Ensures {@code root} exists as a directory on a bpffs, mounting one if needed.
     *
     * @return {@code root}, absolute
     * @throws LibbpfException if mounting fails (e.g. without CAP_SYS_ADMIN)
     */
    public static Path ensureMounted(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        // The JVM-wide monitor keeps two threads of this process from an OverlappingFileLockException.
        synchronized (Bpffs.class) {
            try (FileChannel channel = lockChannel(); FileLock ignored = channel.lock()) {
                Path existing = nearestExisting(abs);
                if (!isBpffs(existing)) {
                    Path mountPoint = abs.startsWith(SYS_FS_BPF) ? SYS_FS_BPF : abs;
                    Files.createDirectories(mountPoint);
                    mount(mountPoint);
                }
                Files.createDirectories(abs);
                return abs;
            } catch (IOException e) {
                throw new UncheckedIOException("prepare bpffs root " + abs, e);
            }
        }
    }

    /** Whether {@code path} (which must exist) is on a bpffs. */
    public static boolean isBpffs(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATFS_SIZE, 8);
            Native.Errno err = new Native.Errno();
            if (Native.statfs(Libbpf.cString(arena, path), buf, err) < 0) {
                throw new LibbpfException("statfs " + path, err.value);
            }
            // f_type is the first member (a long) of struct statfs.
            return buf.get(JAVA_LONG, 0) == BPF_FS_MAGIC;
        }
    }

    private static void mount(Path mountPoint) {
        try (Arena arena = Arena.ofConfined()) {
            Native.Errno err = new Native.Errno();
            MemorySegment bpf = arena.allocateFrom("bpf");
            if (Native.mount(bpf, Libbpf.cString(arena, mountPoint), bpf, err) < 0) {
                throw new LibbpfException("mount bpffs on " + mountPoint, err.value);
            }
        }
        LOG.info("mounted bpffs on {}", mountPoint);
    }

    /**
     * Unmounts a bpffs that {@link #ensureMounted} mounted on a pin root outside {@code /sys/fs/bpf}
     * (the root is its own mount point), so that the root can be removed. Leaves {@code /sys/fs/bpf}
     * and any root that is a plain directory alone.
     *
     * @return true if something was unmounted
     * @throws LibbpfException if the unmount fails (e.g. busy)
     */
    public static boolean unmountOwnRoot(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        if (abs.startsWith(SYS_FS_BPF) || !Files.isDirectory(abs) || !isBpffs(abs)) return false;
        Path parent = abs.getParent();
        if (parent != null && Files.isDirectory(parent) && isBpffs(parent)) return false;
        try (Arena arena = Arena.ofConfined()) {
            Native.Errno err = new Native.Errno();
            if (Native.umount(Libbpf.cString(arena, abs), err) < 0) {
                throw new LibbpfException("unmount bpffs from " + abs, err.value);
            }
        }
        LOG.info("unmounted bpffs from {}", abs);
        return true;
    }

    private static Path nearestExisting(Path abs) {
        Path p = abs;
        while (p != null && !Files.exists(p)) p = p.getParent();
        return p == null ? Path.of("/") : p;
    }

    private static FileChannel lockChannel() throws IOException {
        Files.createDirectories(LOCK_FILE.getParent());
        return FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }
}
