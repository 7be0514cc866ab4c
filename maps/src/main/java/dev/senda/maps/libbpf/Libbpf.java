package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import me.bechberger.ebpf.bpf.raw.Lib;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the libbpf wrapper: finds and loads the system's {@code libbpf.so.1}.
 *
 * <p>Call {@link #ensureAvailable()} before touching any other class of this package (the
 * wrapper classes call it themselves). It must run before any rawbpf class is initialised:
 * rawbpf's own loader calls {@code System.exit} when libbpf is missing, so we look for the
 * library ourselves, load it with {@link System#load} (rawbpf resolves symbols through the
 * class loader's libraries) and fail with an exception that says what to install.
 */
public final class Libbpf {
    private static final Logger LOG = LoggerFactory.getLogger(Libbpf.class);
    private static final String SONAME = "libbpf.so.1";

    private static volatile String version;

    private Libbpf() {
    }

    /**
     * Loads libbpf once per JVM and routes its log (including verifier logs) into slf4j under
     * the logger {@code dev.senda.maps.libbpf.libbpf}. Idempotent and thread-safe.
     *
     * @return libbpf's version string, e.g. {@code "v1.1"}
     * @throws LibbpfException if {@code libbpf.so.1} is not installed
     */
    public static String ensureAvailable() {
        String v = version;
        if (v != null) return v;
        synchronized (Libbpf.class) {
            if (version != null) return version;
            Path library = findLibrary();
            System.load(library.toString());
            Native.bindLibbpf(library);
            LogBridge.install();
            version = Lib.libbpf_version_string().reinterpret(64).getString(0);
            LOG.debug("loaded {} ({})", library, version);
            return version;
        }
    }

    /** Where {@code libbpf.so.1} is looked for, in order. */
    static List<Path> candidateDirectories() {
        Set<String> dirs = new LinkedHashSet<>();
        String libraryPath = System.getProperty("java.library.path", "");
        for (String d : libraryPath.split(":")) {
            if (!d.isBlank()) dirs.add(d);
        }
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> System.getProperty("os.arch", "");
        };
        for (String prefix : List.of("/usr/lib/", "/lib/")) {
            dirs.add(prefix + arch + "-linux-gnu");
        }
        dirs.addAll(List.of("/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib64", "/usr/local/lib"));
        List<Path> out = new ArrayList<>();
        for (String d : dirs) out.add(Path.of(d));
        return out;
    }

    private static Path findLibrary() {
        List<Path> dirs = candidateDirectories();
        for (Path dir : dirs) {
            Path candidate = dir.resolve(SONAME);
            if (Files.isReadable(candidate)) return candidate;
        }
        throw new LibbpfException(SONAME + " not found in " + dirs
                + ": install libbpf (Debian/Ubuntu: apt-get install libbpf1, or libbpf-dev)");
    }

    /** Throws {@link LibbpfException} for a negative libbpf return code ({@code -errno}). */
    static int check(int rc, String context) {
        if (rc < 0) throw new LibbpfException(context, -rc);
        return rc;
    }

    /** A NUL-terminated copy of a path in {@code arena}. */
    static MemorySegment cString(Arena arena, Path path) {
        return arena.allocateFrom(path.toString());
    }
}
