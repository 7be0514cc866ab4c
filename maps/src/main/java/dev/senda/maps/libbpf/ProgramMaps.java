package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.bpf_prog_info;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The maps a loaded program uses, as the kernel reports them ({@code bpf_prog_info.map_ids}): for
 * {@link ProgramIdentity}, and for looking into the unpinned maps of a program someone else loaded
 * (a previous agent's), which nothing else leads to.
 */
public final class ProgramMaps {
    /** The kernel's own bound on the maps one program uses (MAX_USED_MAPS): every id fits. */
    static final int MAX_MAPS = 64;

    private ProgramMaps() {
    }

    /** The kernel id of the program behind {@code progFd}. */
    public static int programId(int progFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(bpf_prog_info.layout());
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) bpf_prog_info.sizeof());
            Libbpf.check(Lib.bpf_obj_get_info_by_fd(progFd, info, len), "get info of program fd " + progFd);
            return bpf_prog_info.id(info);
        }
    }

    /** The ids of the maps the program behind {@code progFd} uses (all of them: see {@link #MAX_MAPS}). */
    public static List<Integer> mapIds(int progFd) {
        int[] ids = new int[MAX_MAPS];
        int n = Math.min(countMaps(progFd, ids), MAX_MAPS);
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(ids[i]);
        return out;
    }

    /**
     * Opens every map the program with kernel id {@code progId} uses, skipping maps gone meanwhile;
     * empty when the program is gone. The caller closes them.
     */
    public static List<BpfMap> open(int progId) {
        Libbpf.ensureAvailable();
        int fd = Lib.bpf_prog_get_fd_by_id(progId);
        if (fd == -LibbpfException.ENOENT) return List.of();
        Libbpf.check(fd, "open program id " + progId);
        List<BpfMap> out = new ArrayList<>();
        try {
            for (int id : mapIds(fd)) BpfMap.openById(id).ifPresent(out::add);
            return out;
        } catch (RuntimeException e) {
            out.forEach(BpfMap::close);
            throw e;
        } finally {
            Native.close(fd);
        }
    }

    /** Fills {@code ids} with up to its length of map ids; returns how many maps the program uses. */
    private static int countMaps(int progFd, int[] ids) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(JAVA_INT, ids.length);
            MemorySegment info = arena.allocate(bpf_prog_info.layout());
            bpf_prog_info.nr_map_ids(info, ids.length);
            bpf_prog_info.map_ids(info, buf.address());
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) bpf_prog_info.sizeof());
            Libbpf.check(Lib.bpf_obj_get_info_by_fd(progFd, info, len), "get info of program fd " + progFd);
            int n = bpf_prog_info.nr_map_ids(info);
            for (int i = 0; i < Math.min(n, ids.length); i++) ids[i] = buf.getAtIndex(JAVA_INT, i);
            return n;
        }
    }
}
