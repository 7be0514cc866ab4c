package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.bpf_map_create_opts;
import me.bechberger.ebpf.bpf.raw.bpf_map_info;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A BPF map, read and written with raw key/value bytes (the codecs in
 * {@code dev.senda.maps.abi} turn records into those bytes).
 *
 * <p>Two kinds: a map of a {@link BpfObject} (its fd belongs to the object; {@link #close} does
 * nothing) and a map opened from a pin with {@link #openPinned} or made with {@link #create}
 * (owns its fd; close it).
 * Element operations are single syscalls and safe to call from several threads. Not for
 * per-CPU maps (their values are {@code valueSize * nCPUs} bytes).
 */
public final class BpfMap implements AutoCloseable {
    private static final int BPF_ANY = 0;
    private static final int BPF_NOEXIST = 1;

    private final BpfObject owner;      // null for an fd-owned map
    private final MemorySegment map;    // libbpf map, or NULL for an fd-owned map
    private final String name;
    private final int keySize;
    private final int valueSize;
    private int fd;                     // fd-owned maps only

    private BpfMap(BpfObject owner, MemorySegment map, String name, int fd, int keySize, int valueSize) {
        this.owner = owner;
        this.map = map;
        this.name = name;
        this.fd = fd;
        this.keySize = keySize;
        this.valueSize = valueSize;
    }

    static BpfMap ofObject(BpfObject owner, MemorySegment map, String name) {
        return new BpfMap(owner, map, name, -1, Lib.bpf_map__key_size(map), Lib.bpf_map__value_size(map));
    }

    /**
     * Opens a pinned map ({@code bpf_obj_get}). The caller owns the result and must close it.
     *
     * @throws LibbpfException ENOENT if nothing is pinned there; EINVAL if the pin is not a map
     */
    public static BpfMap openPinned(Path pin) {
        Libbpf.ensureAvailable();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = Libbpf.check(Lib.bpf_obj_get(Libbpf.cString(arena, pin)), "open pinned map " + pin);
        }
        try {
            MapInfo info = info(fd, pin.toString());
            String name = pin.getFileName().toString();
            return new BpfMap(null, MemorySegment.NULL, name, fd, info.keySize(), info.valueSize());
        } catch (RuntimeException e) {
            Native.close(fd);
            throw e;
        }
    }

    /**
     * Creates an unpinned map outside any object ({@code bpf_map_create}), owned by the caller:
     * closing it frees it. Also how a kernel is asked whether it has a map type.
     *
     * @param name  kernel-visible name (at most 15 characters)
     * @param flags {@code BPF_F_*} map flags, e.g. {@code BPF_F_NO_PREALLOC}, which LPM tries require
     * @throws LibbpfException carrying the kernel's errno when refused
     */
    public static BpfMap create(int mapType, String name, int keySize, int valueSize, int maxEntries, int flags) {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(bpf_map_create_opts.layout());
            bpf_map_create_opts.sz(opts, bpf_map_create_opts.sizeof());
            bpf_map_create_opts.map_flags(opts, flags);
            int fd = Libbpf.check(Lib.bpf_map_create(mapType, arena.allocateFrom(name), keySize, valueSize, maxEntries,
                    opts), "create map " + name + " (type " + mapType + ")");
            return new BpfMap(null, MemorySegment.NULL, name, fd, keySize, valueSize);
        }
    }

    /** The map's name: its C name for object maps, the pin's file name for pinned ones. */
    public String name() {
        return name;
    }

    /** The map's fd; for an object map only after {@link BpfObject#load}. */
    public int fd() {
        if (owner == null) {
            if (fd < 0) throw new IllegalStateException("map " + name + " is closed");
            return fd;
        }
        owner.ensureLoaded("fd of map " + name);
        return Libbpf.check(Lib.bpf_map__fd(map), "fd of map " + name);
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    /** Kernel-side facts about the map (type, id, sizes, capacity). */
    public MapInfo info() {
        return info(fd(), name);
    }

    /** The value stored under {@code key}, or null if there is none. */
    public byte[] lookup(byte[] key) {
        checkSize("key", key, keySize);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(valueSize);
            int rc = Lib.bpf_map_lookup_elem(fd(), arena.allocateFrom(JAVA_BYTE, key), v);
            if (rc == -LibbpfException.ENOENT) return null;
            Libbpf.check(rc, "lookup in map " + name + " key " + hex(key));
            return v.toArray(JAVA_BYTE);
        }
    }

    /** Inserts or replaces ({@code BPF_ANY}). */
    public void update(byte[] key, byte[] value) {
        checkSize("key", key, keySize);
        checkSize("value", value, valueSize);
        try (Arena arena = Arena.ofConfined()) {
            int rc = Lib.bpf_map_update_elem(fd(), arena.allocateFrom(JAVA_BYTE, key),
                    arena.allocateFrom(JAVA_BYTE, value), BPF_ANY);
            Libbpf.check(rc, "update map " + name + " key " + hex(key));
        }
    }

    /**
     * Inserts only when {@code key} is absent ({@code BPF_NOEXIST}): a second copy pass of a migration
     * must not overwrite what the datapath wrote meanwhile.
     *
     * @return false when an entry was there already (left as it was)
     */
    public boolean insertIfAbsent(byte[] key, byte[] value) {
        checkSize("key", key, keySize);
        checkSize("value", value, valueSize);
        try (Arena arena = Arena.ofConfined()) {
            int rc = Lib.bpf_map_update_elem(fd(), arena.allocateFrom(JAVA_BYTE, key),
                    arena.allocateFrom(JAVA_BYTE, value), BPF_NOEXIST);
            if (rc == -LibbpfException.EEXIST) return false;
            Libbpf.check(rc, "insert into map " + name + " key " + hex(key));
            return true;
        }
    }

    /**
     * Deletes the entry under {@code key}.
     *
     * @return false if there was no such entry (not an error: deletes are idempotent)
     */
    public boolean delete(byte[] key) {
        checkSize("key", key, keySize);
        try (Arena arena = Arena.ofConfined()) {
            int rc = Lib.bpf_map_delete_elem(fd(), arena.allocateFrom(JAVA_BYTE, key));
            if (rc == -LibbpfException.ENOENT) return false;
            Libbpf.check(rc, "delete from map " + name + " key " + hex(key));
            return true;
        }
    }

    /**
     * Every key currently in the map ({@code bpf_map_get_next_key} walk). Under concurrent
     * deletes a hash-map walk may restart from the beginning; duplicates are dropped and the
     * walk is bounded, so the result is a best-effort snapshot, never an endless loop.
     */
    public List<byte[]> keys() {
        int fd = fd();
        long bound = 2L * Math.max(info(fd, name).maxEntries(), 1) + 16;
        Set<ByteBuffer> seen = new LinkedHashSet<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cur = arena.allocate(keySize);
            MemorySegment next = arena.allocate(keySize);
            MemorySegment prev = MemorySegment.NULL;
            for (long i = 0; i < bound; i++) {
                int rc = Lib.bpf_map_get_next_key(fd, prev, next);
                if (rc == -LibbpfException.ENOENT) break;
                Libbpf.check(rc, "iterate keys of map " + name);
                seen.add(ByteBuffer.wrap(next.toArray(JAVA_BYTE)));
                MemorySegment.copy(next, 0, cur, 0, keySize);
                prev = cur;
            }
        }
        List<byte[]> out = new ArrayList<>(seen.size());
        for (ByteBuffer b : seen) out.add(b.array());
        return out;
    }

    /**
     * Sets the capacity of a not-yet-loaded map ({@code bpf_map__set_max_entries}), overriding the
     * {@code max_entries} its C declaration compiled in. A pinned map is reused at load only when its
     * capacity equals this one (libbpf refuses it otherwise), so resize pins first: see
     * {@link dev.senda.maps.size.MapResize}.
     */
    public void setMaxEntries(int maxEntries) {
        if (owner == null) throw new IllegalStateException("map " + name + " is not part of an object");
        owner.ensureOpen();
        if (owner.isLoaded()) throw new IllegalStateException("map " + name + ": object already loaded");
        if (maxEntries < 1) throw new IllegalArgumentException("map " + name + ": max_entries " + maxEntries);
        Libbpf.check(Lib.bpf_map__set_max_entries(map, maxEntries), "set max_entries of map " + name);
    }

    /** The capacity: of an object's map as declared or set (before load too), else the kernel's. */
    public int maxEntries() {
        if (owner != null) return Lib.bpf_map__max_entries(map);
        return info().maxEntries();
    }

    /**
     * Sets the initial contents of a not-yet-loaded map (used for {@code .rodata}: load-time
     * constants). Only for maps of a {@link BpfObject} before {@link BpfObject#load}.
     */
    public void setInitialValue(byte[] data) {
        if (owner == null) throw new IllegalStateException("map " + name + " is not part of an object");
        owner.ensureOpen();
        if (owner.isLoaded()) throw new IllegalStateException("map " + name + ": object already loaded");
        checkSize("initial value", data, valueSize);
        try (Arena arena = Arena.ofConfined()) {
            // libbpf copies the data, so a temporary segment is fine.
            Libbpf.check(Lib.bpf_map__set_initial_value(map, arena.allocateFrom(JAVA_BYTE, data), data.length),
                    "set initial value of map " + name);
        }
    }

    /** Closes an fd-owned map; does nothing for an object's map. Idempotent. */
    @Override
    public void close() {
        if (owner == null && fd >= 0) {
            Native.close(fd);
            fd = -1;
        }
    }

    static MapInfo info(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(bpf_map_info.layout());
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) bpf_map_info.sizeof());
            Libbpf.check(Lib.bpf_obj_get_info_by_fd(fd, info, len), "get info of map " + what);
            String kname = bpf_map_info.name(info).getString(0);
            return new MapInfo(bpf_map_info.type(info), bpf_map_info.id(info), bpf_map_info.key_size(info),
                    bpf_map_info.value_size(info), bpf_map_info.max_entries(info), bpf_map_info.map_flags(info),
                    kname);
        }
    }

    private void checkSize(String what, byte[] bytes, int expected) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException("map " + name + ": " + what + " is " + bytes.length
                    + " bytes, the map wants " + expected);
        }
    }

    /** Lower-case hex, space-separated: how keys appear in error messages. */
    public static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + "]";
    }
}
