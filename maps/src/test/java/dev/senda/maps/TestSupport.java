package dev.senda.maps;

import dev.senda.maps.features.Capabilities;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared helpers of the maps tests (also in the test-jar for other modules): root check that
 * fails instead of skipping, unique names, the built BPF objects, cleanup. Bounded polling is
 * {@link dev.senda.test.Poll}.
 */
public final class TestSupport {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestSupport() {
    }

    /**
     * Fails (never skips) unless this JVM holds the capabilities the datapath needs, as root does: a
     * privileged test that did not run is not a pass.
     */
    public static void requireRoot() {
        Capabilities.ofThisProcess().requireForDatapath("this @Tag(\"privileged\") test");
    }

    /** "sd" + 4 random hex digits: short enough for an interface name with a suffix. */
    public static String uniqueName() {
        byte[] b = new byte[2];
        RANDOM.nextBytes(b);
        return "sd" + HexFormat.of().formatHex(b);
    }

    /**
     * Copies a built BPF object ({@code dev/senda/bpf/<name>} on the test classpath, from the
     * senda-bpf module) to a temporary file.
     */
    public static Path bpfObject(String name, Path dir) {
        String resource = "/dev/senda/bpf/" + name;
        try (InputStream in = TestSupport.class.getResourceAsStream(resource)) {
            if (in == null) fail("BPF object " + resource + " is not on the test classpath (build the bpf module)");
            Path out = dir.resolve(name);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compiles a BPF C file with the toolchain the build uses (clang-16 if present) into
     * {@code out}; include dirs are added with {@code -I}.
     */
    public static Path compileBpf(Path source, Path out, Path... includeDirs) {
        String clang = Files.isExecutable(Path.of("/usr/bin/clang-16")) ? "clang-16" : "clang";
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        List<String> cmd = new java.util.ArrayList<>(List.of(clang, "-target", "bpf", "-O2", "-g",
                "-I/usr/include/" + arch + "-linux-gnu"));
        for (Path inc : includeDirs) cmd.add("-I" + inc);
        cmd.addAll(List.of("-c", source.toString(), "-o", out.toString()));
        run(cmd.toArray(String[]::new));
        return out;
    }

    /**
     * Compiles a variant of a shipped entry file ({@code dev/senda/bpf/src/<entry>} on the test classpath,
     * e.g. {@code senda_tc.c}) with extra {@code -D} definitions: the datapath as another version would
     * build it (another map layout, another map name), for upgrade and downgrade tests.
     *
     * @param defines each {@code NAME=VALUE} or {@code NAME}, one compiler argument each (spaces allowed)
     */
    public static Path compileShippedVariant(String entry, Path out, String... defines) {
        Path src = shippedSourceDir();
        String clang = Files.isExecutable(Path.of("/usr/bin/clang-16")) ? "clang-16" : "clang";
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        List<String> cmd = new java.util.ArrayList<>(List.of(clang, "-target", "bpf", "-O2", "-g",
                "-I/usr/include/" + arch + "-linux-gnu", "-I" + src));
        for (String d : defines) cmd.add("-D" + d);
        cmd.addAll(List.of("-c", src.resolve(entry).toString(), "-o", out.toString()));
        // A whole datapath object: seconds here, minutes inside QEMU without KVM (the 6.1 kernel run).
        run(java.time.Duration.ofMinutes(5), cmd.toArray(String[]::new));
        return out;
    }

    private static Path extractedSources;

    /**
     * The datapath's C sources as shipped next to the objects ({@code dev/senda/bpf/src/}), as a directory:
     * where they are when the classpath holds the bpf module's directory, else (its jar) a copy made once
     * per JVM and removed when it exits.
     */
    public static synchronized Path shippedSourceDir() {
        java.net.URL url = TestSupport.class.getResource("/dev/senda/bpf/src/senda_tc.c");
        if (url == null) fail("the shipped BPF sources are not on the test classpath (build the bpf module)");
        try {
            if (url.getProtocol().equals("file")) return Path.of(url.toURI()).getParent();
            if (extractedSources != null) return extractedSources;
            Path out = Files.createTempDirectory("senda-bpf-src");
            try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(url.toURI(), java.util.Map.of());
                 Stream<Path> files = Files.walk(jar.getPath("/dev/senda/bpf/src"))) {
                Path base = jar.getPath("/dev/senda/bpf/src");
                for (Path f : files.toList()) {
                    Path target = out.resolve(base.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(target);
                    else Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(out)));
            extractedSources = out;
            return out;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first cgroup2 mount in /proc/mounts (system property senda.test.cgroup2 overrides). */
    public static Path cgroup2Root() {
        String override = System.getProperty("senda.test.cgroup2");
        if (override != null) return Path.of(override);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) return Path.of(f[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fail("no cgroup2 mount found in /proc/mounts");
    }

    /** Runs a command (bounded to 30 s) and fails with its output if it exits non-zero. */
    public static String run(String... command) {
        return run(java.time.Duration.ofSeconds(30), command);
    }

    /** As {@link #run(String...)}, bounded by {@code bound} instead of 30 s. */
    public static String run(java.time.Duration bound, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + String.join(" ", command));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) fail(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Like {@link #run} but never fails: for cleanup of things that may already be gone. */
    public static void runQuietly(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (IOException e) {
            // best effort
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes a directory tree (pins on a bpffs included), ignoring what is already gone. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cleanup of " + root, e);
        }
    }
}
