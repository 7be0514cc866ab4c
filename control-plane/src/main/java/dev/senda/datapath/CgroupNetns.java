package dev.senda.datapath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network namespaces of the processes in a cgroup v2 subtree: where socket LB's sockets live.
 *
 * <p>Socket LB runs for sockets created by processes under {@code --cgroup-root}; each such socket
 * belongs to the network namespace its process was in (a pod's, the node's). Socket iterators see one
 * namespace at a time, so a sweep over socket LB's sockets is a sweep over these namespaces. Each is
 * named once, by {@code /proc/<pid>/ns/net} of one of its processes (namespaces compare by the inode
 * that link names). A process that exits meanwhile is skipped; its namespace, if still used, is found
 * through another process. A socket handed to a process of another namespace is found only through
 * the namespace it was created in, if a process of the subtree is still in it.
 */
public final class CgroupNetns {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupNetns.class);
    private final Path cgroupRoot;
    private final Path proc;
    private volatile boolean warned;

    public CgroupNetns(Path cgroupRoot) {
        this(cgroupRoot, Path.of("/proc"));
    }

    /** With another procfs (tests). */
    CgroupNetns(Path cgroupRoot, Path proc) {
        this.cgroupRoot = cgroupRoot;
        this.proc = proc;
    }

    /**
     * One {@code /proc/<pid>/ns/net} path per distinct network namespace of the subtree's processes, in
     * the order first met (a cgroup before its children).
     *
     * @throws UncheckedIOException when the cgroup root cannot be walked
     */
    public List<Path> namespaces() {
        Map<String, Path> byIdentity = new LinkedHashMap<>();
        int hidden = 0;
        int denied = 0;
        for (Path procs : procsFiles()) {
            for (String pid : pids(procs)) {
                if (pid.equals("0")) { // a process outside this PID namespace
                    hidden++;
                    continue;
                }
                Path link = proc.resolve(pid).resolve("ns").resolve("net");
                try {
                    // "net:[4026531840]": the namespace's identity
                    byIdentity.putIfAbsent(Files.readSymbolicLink(link).toString(), link);
                } catch (IOException e) {
                    // the process exited since cgroup.procs was read, or the kernel's ptrace check refused
                    if (Files.exists(proc.resolve(pid))) denied++;
                }
            }
        }
        if ((hidden > 0 || denied > 0) && !warned) {
            warned = true;
            LOG.warn("socket LB's network namespaces: {} process(es) under {} are outside this PID namespace and the "
                            + "network namespace of {} cannot be read: their connected UDP sockets are not closed when a "
                            + "backend leaves (run in the host's PID namespace with CAP_SYS_PTRACE; said once)",
                    hidden, cgroupRoot, denied);
        }
        return List.copyOf(byIdentity.values());
    }

    private List<Path> procsFiles() {
        try (Stream<Path> dirs = Files.walk(cgroupRoot)) {
            return dirs.filter(Files::isDirectory).map(d -> d.resolve("cgroup.procs")).toList();
        } catch (IOException | UncheckedIOException e) {
            // a cgroup removed during the walk is the usual reason: try once more on what is left
            try (Stream<Path> dirs = Files.walk(cgroupRoot)) {
                return dirs.filter(Files::isDirectory).map(d -> d.resolve("cgroup.procs")).toList();
            } catch (IOException again) {
                throw new UncheckedIOException("list the cgroups under " + cgroupRoot, again);
            }
        }
    }

    private static List<String> pids(Path procs) {
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(procs)) {
                if (!line.isBlank()) out.add(line.strip());
            }
            return out;
        } catch (NoSuchFileException e) {
            return List.of(); // the cgroup went away
        } catch (IOException e) {
            return List.of(); // unreadable (a threaded cgroup's peculiarities): nothing to add
        }
    }
}
