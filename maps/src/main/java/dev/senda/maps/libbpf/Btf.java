package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.BiFunction;

import me.bechberger.ebpf.bpf.raw.Lib;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Read-only view of the BTF type information of a compiled BPF object
 * ({@code btf__parse_elf}), enough to compare C struct layouts with Java ones.
 */
public final class Btf implements AutoCloseable {
    public static final int KIND_INT = 1, KIND_PTR = 2, KIND_ARRAY = 3, KIND_STRUCT = 4, KIND_UNION = 5,
            KIND_TYPEDEF = 8, KIND_VOLATILE = 9, KIND_CONST = 10, KIND_RESTRICT = 11, KIND_FUNC = 12, KIND_VAR = 14,
            KIND_TYPE_TAG = 18;

    /** Sizes of {@code struct btf_type} and {@code struct btf_member} (linux/btf.h). */
    private static final int TYPE_SIZE = 12, MEMBER_SIZE = 12;

    /**
     * One BTF type.
     *
     * @param sizeOrType byte size for INT/STRUCT/UNION/ENUM/DATASEC, referenced type id for
     *                   PTR/TYPEDEF/modifiers/VAR/FUNC
     * @param vlen       member count for STRUCT/UNION
     * @param name       null for anonymous types
     */
    public record Type(int id, int kind, String name, int sizeOrType, int vlen, boolean kflag) {
    }

    /**
     * A struct/union member.
     *
     * @param bitOffset    offset from the start of the struct in bits
     * @param bitfieldSize 0 unless the member is a bitfield
     */
    public record Member(String name, int typeId, long bitOffset, int bitfieldSize) {
    }

    private MemorySegment btf;
    private final Path file;

    private Btf(MemorySegment btf, Path file) {
        this.btf = btf;
        this.file = file;
    }

    /** Parses the {@code .BTF} section of an ELF object. */
    public static Btf parseElf(Path objectFile) {
        return parse(objectFile, Native::btfParseElf);
    }

    /**
     * Parses raw BTF, such as the kernel's own at {@code /sys/kernel/btf/vmlinux} (what kfunc and
     * type lookups against the running kernel need).
     *
     * @throws LibbpfException ENOENT when the file is missing (a kernel built without BTF)
     */
    public static Btf parseRaw(Path rawBtf) {
        return parse(rawBtf, Native::btfParseRaw);
    }

    private static Btf parse(Path file, BiFunction<MemorySegment, Native.Errno, MemorySegment> parser) {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            Native.Errno err = new Native.Errno();
            MemorySegment b = parser.apply(Libbpf.cString(arena, file), err);
            if (b.address() == 0) throw new LibbpfException("parse BTF of " + file, err.value);
            return new Btf(b, file);
        }
    }

    /** The id of the type named {@code name} of {@code kind}, if any. */
    public OptionalInt find(String name, int kind) {
        try (Arena arena = Arena.ofConfined()) {
            int id = Lib.btf__find_by_name_kind(handle(), arena.allocateFrom(name), kind);
            return id > 0 ? OptionalInt.of(id) : OptionalInt.empty();
        }
    }

    public Type type(int id) {
        MemorySegment t = raw(id, TYPE_SIZE);
        int info = t.get(JAVA_INT, 4);
        return new Type(id, (info >>> 24) & 0x1f, name(t.get(JAVA_INT, 0)), t.get(JAVA_INT, 8), info & 0xffff,
                (info >>> 31) != 0);
    }

    /** Members of a STRUCT or UNION type. */
    public List<Member> members(int id) {
        Type t = type(id);
        if (t.kind() != KIND_STRUCT && t.kind() != KIND_UNION) {
            throw new IllegalArgumentException("BTF type " + id + " of " + file + " is not a struct/union");
        }
        MemorySegment raw = raw(id, TYPE_SIZE + (long) MEMBER_SIZE * t.vlen());
        List<Member> out = new ArrayList<>(t.vlen());
        for (int i = 0; i < t.vlen(); i++) {
            long base = TYPE_SIZE + (long) MEMBER_SIZE * i;
            int offset = raw.get(JAVA_INT, base + 8);
            long bitOffset = t.kflag() ? offset & 0xffffff : Integer.toUnsignedLong(offset);
            int bitfieldSize = t.kflag() ? offset >>> 24 : 0;
            out.add(new Member(name(raw.get(JAVA_INT, base)), raw.get(JAVA_INT, base + 4), bitOffset, bitfieldSize));
        }
        return out;
    }

    /** Size in bytes of a type (through typedefs, modifiers and arrays). */
    public long resolveSize(int id) {
        long size = Lib.btf__resolve_size(handle(), id);
        if (size < 0) throw new LibbpfException("resolve size of BTF type " + id + " in " + file, (int) -size);
        return size;
    }

    /** Follows const/volatile/restrict/type tags (but not typedefs) to the underlying type id. */
    public int skipModifiers(int id) {
        for (int i = 0; i < 32; i++) {
            Type t = type(id);
            if (t.kind() != KIND_CONST && t.kind() != KIND_VOLATILE && t.kind() != KIND_RESTRICT
                    && t.kind() != KIND_TYPE_TAG) {
                return id;
            }
            id = t.sizeOrType();
        }
        throw new IllegalStateException("BTF modifier chain too long at type " + id + " in " + file);
    }

    @Override
    public void close() {
        if (btf != null) {
            Lib.btf__free(btf);
            btf = null;
        }
    }

    private MemorySegment raw(int id, long size) {
        MemorySegment t = Lib.btf__type_by_id(handle(), id);
        if (t.address() == 0) throw new LibbpfException("BTF type " + id + " in " + file, LibbpfException.EINVAL);
        return t.reinterpret(size);
    }

    private String name(int nameOff) {
        if (nameOff == 0) return null;
        return BpfObject.cString(Lib.btf__name_by_offset(handle(), nameOff));
    }

    private MemorySegment handle() {
        if (btf == null) throw new IllegalStateException("BTF of " + file + " is closed");
        return btf;
    }
}
