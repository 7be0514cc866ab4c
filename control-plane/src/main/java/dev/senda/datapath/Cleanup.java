package dev.senda.datapath;

import dev.senda.maps.libbpf.BpfLink;
import dev.senda.maps.libbpf.Bpffs;
import dev.senda.maps.libbpf.NetDevices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes what Senda put into the kernel under one bpffs root: detaches every pinned link (socket LB
 * on the cgroup, per-packet LB on interfaces), removes clsact filters of the fallback path from the
 * interfaces of this network namespace, and deletes Senda's pins: the {@code links/} directory and the
 * maps named {@code senda_<what>_v<N>}. Anything else under the root (another tool's pins) stays; the
 * root itself is removed only when empty, after unmounting a bpffs Senda mounted on it, and
 * {@code /sys/fs/bpf} is never removed.
 *
 * <p>Safe to run twice, and while no agent runs; an agent still running keeps its file descriptors
 * but its programs are off their hooks.
 */
public final class Cleanup {
    /**
     * Names of Senda's map pins, current and retired versions alike (senda_svc4_v1, senda_ct4_v2,
     * senda_ct4_v1, ...), and those an unfinished resize moved aside (senda_svc4_v1_resizing).
     */
    private static final Pattern MAP_PIN = Pattern.compile("senda_[a-z0-9]+_v[0-9]+(_resizing)?");
    private static final Path SYS_FS_BPF = Path.of("/sys/fs/bpf");

    private Cleanup() {
    }

    /** What was removed and what was left, for the command's output. */
    public record Report(List<String> detached, List<String> removedPins, List<String> leftAlone) {
    }

    /**
     * @throws IllegalArgumentException when {@code bpffsRoot} exists but is not on bpffs
     * @throws java.io.UncheckedIOException when a pin cannot be removed
     */
    public static Report run(Path bpffsRoot) {
        List<String> detached = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> leftAlone = new ArrayList<>();
        Path root = bpffsRoot.toAbsolutePath().normalize();
        if (Files.isDirectory(root) && !Bpffs.isBpffs(root)) {
            throw new IllegalArgumentException("--bpffs-root " + root + " is not on a bpf file system");
        }
        Path links = DatapathLayout.linksDir(root);
        for (Path pin : list(links)) {
            if (BpfLink.removePinned(pin)) detached.add(pin.getFileName().toString());
            else delete(pin);
        }
        if (Files.isDirectory(links)) delete(links);
        for (Map.Entry<String, Integer> dev : NetDevices.list().entrySet()) {
            if (Links.removeClsactFilter(dev.getKey(), dev.getValue())) detached.add("clsact filter on " + dev.getKey());
        }
        for (Path p : list(root)) {
            String name = p.getFileName().toString();
            if (MAP_PIN.matcher(name).matches()) {
                delete(p);
                removed.add(name);
            } else if (!name.contains(".")) {
                // Names with a dot cannot be pinned by anyone: they are the kernel's own
                // (maps.debug, progs.debug of bpf_preload) and go away with the mount.
                leftAlone.add(name);
            }
        }
        if (Files.isDirectory(root) && leftAlone.isEmpty() && !root.equals(SYS_FS_BPF)) {
            Bpffs.unmountOwnRoot(root);
            delete(root);
        }
        return new Report(detached, removed, leftAlone);
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + p, e);
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
