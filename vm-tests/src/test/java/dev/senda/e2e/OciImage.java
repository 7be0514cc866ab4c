package dev.senda.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.testbed.Exec;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The agent's image as {@code deploy/image/build-oci.sh} builds it: the OCI archive, its layout
 * extracted next to it (what {@code umoci unpack} reads), and the image's config.
 *
 * @param archive the OCI archive (a tar of an OCI image layout)
 * @param layout  the archive extracted: an OCI image layout directory
 * @param tag     the one tag in the layout's index ({@code org.opencontainers.image.ref.name})
 */
record OciImage(Path archive, Path layout, String tag) {
    /** The repository's root: the e2e tests run in vm-tests/. */
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Linking the runtime and packing take 1 to 3 minutes on a loaded 2-core machine; more means stuck. */
    private static final Duration BUILD_BOUND = Duration.ofMinutes(10);

    /**
     * Runs the build script with this JVM's JDK (it links the image's runtime from it) and extracts
     * the archive into {@code <archive>.layout/}.
     *
     * @throws IOException when the script fails or times out (its output is in {@code log} and the message)
     */
    static OciImage build(Path archive, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(REPO.resolve("deploy/image/build-oci.sh").toString(), archive.toString())
                .directory(REPO.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(BUILD_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("build-oci.sh did not finish within " + BUILD_BOUND + "\n" + tail(log));
        }
        if (p.exitValue() != 0) throw new IOException("build-oci.sh exited " + p.exitValue() + "\n" + tail(log));
        Path layout = archive.resolveSibling(archive.getFileName() + ".layout");
        deleteTree(layout);
        Files.createDirectories(layout);
        Exec.run(Duration.ofSeconds(60), "tar", "-C", layout.toString(), "-xf", archive.toString()).check();
        JsonNode manifests = JSON.readTree(layout.resolve("index.json").toFile()).path("manifests");
        if (manifests.size() != 1) throw new IOException("the image index lists " + manifests.size() + " manifests, not 1");
        String tag = manifests.get(0).path("annotations").path("org.opencontainers.image.ref.name").asText();
        return new OciImage(archive, layout, tag);
    }

    /** The image config's {@code config} object (Entrypoint, Cmd, Env, ...). */
    JsonNode config() throws IOException {
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(index.path("manifests").get(0).path("digest").asText()).toFile());
        return JSON.readTree(blob(manifest.path("config").path("digest").asText()).toFile()).path("config");
    }

    private Path blob(String digest) {
        String[] algoHex = digest.split(":", 2);
        return layout.resolve("blobs").resolve(algoHex[0]).resolve(algoHex[1]);
    }

    /** {@code umoci unpack}: an OCI runtime bundle (config.json and rootfs/) of the image in {@code bundle}. */
    void unpack(Path bundle) throws IOException {
        Exec.run(Duration.ofMinutes(2), "umoci", "unpack", "--image", layout + ":" + tag, bundle.toString()).check();
    }

    /** Removes the extracted layout (the archive stays, as build output). */
    void deleteLayout() throws IOException {
        deleteTree(layout);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        // rm does not follow the rootfs' symbolic links (lib -> usr/lib) out of the tree
        Exec.run(Duration.ofSeconds(60), "rm", "-rf", "--one-file-system", dir.toString()).check();
    }

    /** Size in bytes of the regular files under {@code dir}, symbolic links not followed. */
    static long treeBytes(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
