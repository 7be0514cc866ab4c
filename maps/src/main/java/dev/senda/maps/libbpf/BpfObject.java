package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.bpf_object_open_opts;

/**
 * A BPF ELF object opened through libbpf: its maps and programs.
 *
 * <p>Life cycle: {@link #open} parses the ELF (nothing reaches the kernel yet; initial values
 * of {@code .rodata} can still be set through {@link BpfMap#setInitialValue}); {@link #load}
 * creates the maps (or reuses pinned ones) and loads the programs through the verifier;
 * {@link #close} frees everything that is not pinned or attached through a pinned link.
 *
 * <p>Pinning: with a pin root, every map declared with {@code LIBBPF_PIN_BY_NAME} is looked up
 * at {@code <pinRoot>/<map name>} at load time and reused if present and compatible, otherwise
 * created and pinned there. This is how the maps (and so the programmed state) survive agent
 * restarts. The pin root must be on a bpffs ({@link Bpffs#ensureMounted}).
 *
 * <p>Not thread-safe; the {@link BpfMap}s it hands out are, once loaded.
 */
public final class BpfObject implements AutoCloseable {
    private final Path file;
    private final Path pinRoot;
    private final Arena arena;
    private MemorySegment obj;
    private boolean loaded;

    private BpfObject(Path file, Path pinRoot, Arena arena, MemorySegment obj) {
        this.file = file;
        this.pinRoot = pinRoot;
        this.arena = arena;
        this.obj = obj;
    }

    /**
     * Opens (parses) an object file.
     *
     * @param objectFile   a BPF ELF object with BTF
     * @param pinRootOrNull directory for maps pinned by name, or null for no pinning
     * @throws LibbpfException if the file is missing or not a valid BPF object
     */
    public static BpfObject open(Path objectFile, Path pinRootOrNull) {
        Libbpf.ensureAvailable();
        if (!Files.isRegularFile(objectFile)) {
            throw new LibbpfException("open BPF object " + objectFile, LibbpfException.ENOENT);
        }
        // The arena lives as long as the object: libbpf keeps pointers to the strings in opts.
        Arena arena = Arena.ofShared();
        try {
            MemorySegment opts = arena.allocate(bpf_object_open_opts.layout());
            bpf_object_open_opts.sz(opts, bpf_object_open_opts.sizeof());
            if (pinRootOrNull != null) {
                bpf_object_open_opts.pin_root_path(opts, Libbpf.cString(arena, pinRootOrNull));
            }
            Native.Errno err = new Native.Errno();
            MemorySegment obj = Native.objectOpenFile(Libbpf.cString(arena, objectFile), opts, err);
            if (obj.address() == 0) {
                throw new LibbpfException("open BPF object " + objectFile, err.value);
            }
            if (pinRootOrNull == null) {
                // Without a pin root libbpf would pin LIBBPF_PIN_BY_NAME maps under /sys/fs/bpf:
                // "no pinning" has to be said map by map.
                for (MemorySegment m = Lib.bpf_object__next_map(obj, MemorySegment.NULL); m.address() != 0;
                     m = Lib.bpf_object__next_map(obj, m)) {
                    Lib.bpf_map__set_pin_path(m, MemorySegment.NULL);
                }
            }
            return new BpfObject(objectFile, pinRootOrNull, arena, obj);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Creates or reuses the maps and loads every program. A verifier rejection is logged in full
     * by libbpf (routed to slf4j) and thrown as an {@link ObjectLoadException} carrying that log.
     */
    public BpfObject load() {
        ensureOpen();
        if (loaded) throw new IllegalStateException("BPF object " + file + " is already loaded");
        LogBridge.Captured result = LogBridge.capturingWarnings(() -> Lib.bpf_object__load(obj));
        if (result.rc() < 0) {
            throw new ObjectLoadException("load BPF object " + file + (pinRoot == null ? "" : " (pin root " + pinRoot + ")"),
                    -result.rc(), tail(result.warnings()), result.warnings());
        }
        loaded = true;
        return this;
    }

    public boolean isLoaded() {
        return loaded;
    }

    public Path file() {
        return file;
    }

    /** The pin root given to {@link #open}, or null. */
    public Path pinRoot() {
        return pinRoot;
    }

    /**
     * The map declared under {@code name}. Valid until this object is closed; do not close it
     * yourself (its fd belongs to the object).
     *
     * @throws LibbpfException (ENOENT) if the object declares no such map
     */
    public BpfMap map(String name) {
        ensureOpen();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment map = Lib.bpf_object__find_map_by_name(obj, tmp.allocateFrom(name));
            if (map.address() == 0) {
                throw new LibbpfException("map " + name + " in " + file, LibbpfException.ENOENT);
            }
            return BpfMap.ofObject(this, map, name);
        }
    }

    /**
     * The program whose C function is named {@code name}. Valid until this object is closed.
     *
     * @throws LibbpfException (ENOENT) if the object has no such program
     */
    public BpfProgram program(String name) {
        ensureOpen();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment prog = Lib.bpf_object__find_program_by_name(obj, tmp.allocateFrom(name));
            if (prog.address() == 0) {
                throw new LibbpfException("program " + name + " in " + file, LibbpfException.ENOENT);
            }
            return new BpfProgram(this, prog, name);
        }
    }

    /** Every map of the object, in ELF order (including libbpf's internal .rodata/.bss maps). */
    public List<BpfMap> maps() {
        ensureOpen();
        List<BpfMap> out = new ArrayList<>();
        MemorySegment m = Lib.bpf_object__next_map(obj, MemorySegment.NULL);
        while (m.address() != 0) {
            out.add(BpfMap.ofObject(this, m, cString(Lib.bpf_map__name(m))));
            m = Lib.bpf_object__next_map(obj, m);
        }
        return out;
    }

    /** Every program of the object, in ELF order. */
    public List<BpfProgram> programs() {
        ensureOpen();
        List<BpfProgram> out = new ArrayList<>();
        MemorySegment p = Lib.bpf_object__next_program(obj, MemorySegment.NULL);
        while (p.address() != 0) {
            out.add(new BpfProgram(this, p, cString(Lib.bpf_program__name(p))));
            p = Lib.bpf_object__next_program(obj, p);
        }
        return out;
    }

    /**
     * Closes the object: unpinned maps and programs that nothing else references go away.
     * Pinned maps and programs attached through pinned links stay in the kernel. Idempotent.
     */
    @Override
    public void close() {
        if (obj == null) return;
        Lib.bpf_object__close(obj);
        obj = null;
        arena.close();
    }

    void ensureOpen() {
        if (obj == null) throw new IllegalStateException("BPF object " + file + " is closed");
    }

    void ensureLoaded(String what) {
        ensureOpen();
        if (!loaded) throw new IllegalStateException(what + ": BPF object " + file + " is not loaded yet");
    }

    /** The end of libbpf's warnings (where the verifier states its reason), for an exception. */
    private static String tail(String warnings) {
        if (warnings.isBlank()) return "";
        String w = warnings.strip();
        int max = 4000;
        return "\nlibbpf said:\n" + (w.length() <= max ? w : "..." + w.substring(w.length() - max));
    }

    static String cString(MemorySegment ptr) {
        return ptr.address() == 0 ? null : ptr.reinterpret(4096).getString(0);
    }

    @Override
    public String toString() {
        return "BpfObject[" + file + (loaded ? ", loaded" : "") + (obj == null ? ", closed" : "") + "]";
    }
}
