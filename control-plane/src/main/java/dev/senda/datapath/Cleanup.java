package dev.senda.datapath;

import dev.senda.maps.libbpf.BpfLink;
import dev.senda.maps.libbpf.Bpffs;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.libbpf.NetDevices;
import dev.senda.maps.libbpf.TcAttach;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Removes everything Senda put into the kernel under one bpffs root: detaches every pinned link
 * (socket LB on the cgroup, per-packet LB on interfaces), removes clsact filters of the fallback path
 * from the interfaces of this network namespace, and deletes every pin (maps included) and the root.
 * Safe to run twice, and while no agent runs; an agent still running keeps its file descriptors
 * but its programs are off their hooks.
 */
public final class Cleanup {
    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);

    private Cleanup() {
    }

    /** What was removed, for the command's output. */
    public record Report(List<String> detached, List<String> removedPins) {
    }

    public static Report run(Path bpffsRoot) {
        List<String> detached = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        if (Files.isDirectory(bpffsRoot) && !Bpffs.isBpffs(bpffsRoot)) {
            throw new IllegalArgumentException("--bpffs-root " + bpffsRoot + " is not on a bpf file system");
        }
        Path links = DatapathLayout.linksDir(bpffsRoot);
        for (Path pin : list(links)) {
            if (BpfLink.removePinned(pin)) detached.add(pin.getFileName().toString());
        }
        for (Map.Entry<String, Integer> dev : NetDevices.list().entrySet()) {
            try {
                if (TcAttach.detach(dev.getValue(), true, DatapathLayout.CLSACT_HANDLE, DatapathLayout.CLSACT_PRIORITY)) {
                    detached.add("clsact filter on " + dev.getKey());
                }
            } catch (LibbpfException e) {
                log.debug("no clsact filter on {}: {}", dev.getKey(), e.getMessage());
            }
        }
        if (Files.exists(bpffsRoot)) {
            try (Stream<Path> all = Files.walk(bpffsRoot)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                    if (!p.equals(bpffsRoot) && !p.equals(links)) removed.add(bpffsRoot.relativize(p).toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove pins under " + bpffsRoot, e);
            }
        }
        return new Report(detached, removed);
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
