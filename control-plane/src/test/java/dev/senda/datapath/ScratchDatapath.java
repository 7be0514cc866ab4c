package dev.senda.datapath;

import dev.senda.maps.TestSupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one privileged datapath test creates, under one unique name: a bpffs root for the pins, and on
 * demand a cgroup and veth pairs. {@link #close()} removes all of it, also after a failed test: first the
 * pins (which detaches what a datapath attached), then the veths, then the cgroup, each step attempted
 * even when an earlier one failed.
 */
final class ScratchDatapath implements AutoCloseable {
    final String name;
    final Path root;
    private Path cgroup;
    private final List<String> veths = new ArrayList<>();

    private ScratchDatapath(String name) {
        this.name = name;
        this.root = Path.of("/sys/fs/bpf", name);
    }

    /** A new scratch whose names start with {@code prefix} (keep it short: interface names hold 15 bytes). */
    static ScratchDatapath create(String prefix) {
        return new ScratchDatapath(prefix + TestSupport.uniqueName().substring(2));
    }

    /** The scratch's own cgroup (under the cgroup2 root), created on first use. */
    Path cgroup() throws IOException {
        if (cgroup == null) cgroup = Files.createDirectory(TestSupport.cgroup2Root().resolve(name));
        return cgroup;
    }

    /** Creates the veth pair {@code name+end} / {@code name+peerEnd} and returns the first end's name. */
    String veth(String end, String peerEnd) {
        TestSupport.run("ip", "link", "add", name + end, "type", "veth", "peer", "name", name + peerEnd);
        veths.add(name + end);
        return name + end;
    }

    @Override
    public void close() throws IOException {
        try {
            Cleanup.run(root);
        } finally {
            veths.forEach(v -> TestSupport.runQuietly("ip", "link", "del", v));
            if (cgroup != null) Files.deleteIfExists(cgroup);
        }
    }
}
