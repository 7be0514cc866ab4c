package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.bpf_map_info;
import me.bechberger.ebpf.bpf.raw.bpf_prog_info;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What a loaded program is, as far as replacing it could change anything: the kernel's tag (a hash of
 * its instructions with map references blanked out) and the maps it uses, each by name and shape (key
 * size, value size, max entries). Two programs with equal identities translate packets alike, so an
 * attachment running one need not be touched to run the other. Maps are part of it because the tag
 * ignores which map an instruction refers to: a new map version with unchanged code would otherwise
 * look the same. The shape is part of it because a map resized by a setting ({@code --map-size-*}) is a
 * new map under the same name: the running program still reads the old one, so it must be replaced.
 * (Map ids would say more, but a program's unpinned scratch maps get new ids at every load.)
 *
 * <p>Limit: the content of a map the program only reads and the loader fills ({@code .rodata}) is not
 * compared; Senda sets none.
 *
 * @param tag      {@code bpf_prog_info.tag}, hex
 * @param mapNames the maps the program uses as {@code name/key size/value size/max entries}, sorted
 *                 (libbpf's internal maps by their section alone, e.g. {@code .rodata})
 */
public record ProgramIdentity(String tag, List<String> mapNames) {
    public ProgramIdentity {
        mapNames = List.copyOf(new TreeSet<>(mapNames));
    }

    /** The identity of the program behind {@code progFd}. */
    public static ProgramIdentity ofFd(int progFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(bpf_prog_info.layout());
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) bpf_prog_info.sizeof());
            Libbpf.check(Lib.bpf_obj_get_info_by_fd(progFd, info, len), "get info of program fd " + progFd);
            String tag = HexFormat.of().formatHex(bpf_prog_info.tag(info).toArray(JAVA_BYTE));
            List<String> names = new ArrayList<>();
            for (int id : ProgramMaps.mapIds(progFd)) names.add(mapName(id));
            return new ProgramIdentity(tag, names);
        }
    }

    /** The identity of the program with kernel id {@code progId}; empty when it is gone. */
    public static Optional<ProgramIdentity> ofId(int progId) {
        Libbpf.ensureAvailable();
        int fd = Lib.bpf_prog_get_fd_by_id(progId);
        if (fd == -LibbpfException.ENOENT) return Optional.empty();
        Libbpf.check(fd, "open program id " + progId);
        try {
            return Optional.of(ofFd(fd));
        } finally {
            Native.close(fd);
        }
    }

    private static String mapName(int mapId) {
        int fd = Lib.bpf_map_get_fd_by_id(mapId);
        if (fd < 0) return "#" + mapId; // gone meanwhile: never equal to a live map's name
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(bpf_map_info.layout());
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) bpf_map_info.sizeof());
            Libbpf.check(Lib.bpf_obj_get_info_by_fd(fd, info, len), "get info of map id " + mapId);
            String name = bpf_map_info.name(info).getString(0);
            // libbpf names internal maps after the object file ("senda-1234.rodata", cut to 15 bytes), which
            // differs per load: only the section tells what the map is.
            int dot = name.lastIndexOf('.');
            if (dot >= 0) return name.substring(dot);
            return name + "/" + bpf_map_info.key_size(info) + "/" + bpf_map_info.value_size(info) + "/"
                    + bpf_map_info.max_entries(info);
        } finally {
            Native.close(fd);
        }
    }
}
