package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import me.bechberger.ebpf.bpf.raw.Lib;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What is attached where ({@code BPF_PROG_QUERY}): program ids on a cgroup hook or a tcx hook.
 * For cleanup, tests and {@code senda bpf} listings.
 */
public final class Attachments {
    private static final int MAX_PROGS = 64;

    private Attachments() {
    }

    /** Ids of the programs attached directly to {@code cgroupDir} at {@code type} (not inherited). */
    public static List<Integer> cgroup(Path cgroupDir, CgroupAttachType type) {
        String what = "query " + type + " programs of cgroup " + cgroupDir;
        int fd = BpfLink.openDirectory(cgroupDir, what);
        try {
            return query(fd, type.value(), what);
        } finally {
            Native.close(fd);
        }
    }

    /** Ids of the programs attached through tcx to a device (empty where tcx is unsupported). */
    public static List<Integer> tcx(int ifindex, boolean ingress) {
        Libbpf.ensureAvailable();
        String what = "query tcx " + (ingress ? "ingress" : "egress") + " programs of ifindex " + ifindex;
        try {
            return query(ifindex, ingress ? BpfLink.BPF_TCX_INGRESS : BpfLink.BPF_TCX_EGRESS, what);
        } catch (LibbpfException e) {
            if (e.isUnsupported()) return List.of();
            throw e;
        }
    }

    private static List<Integer> query(int target, int attachType, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flags = arena.allocate(JAVA_INT);
            MemorySegment ids = arena.allocate(JAVA_INT, MAX_PROGS);
            MemorySegment count = arena.allocateFrom(JAVA_INT, MAX_PROGS);
            Libbpf.check(Lib.bpf_prog_query(target, attachType, 0, flags, ids, count), what);
            int n = Math.min(count.get(JAVA_INT, 0), MAX_PROGS);
            List<Integer> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(ids.getAtIndex(JAVA_INT, i));
            return List.copyOf(out);
        }
    }
}
