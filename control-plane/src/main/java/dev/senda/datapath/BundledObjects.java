package dev.senda.datapath;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The compiled BPF objects shipped as classpath resources, copied to files libbpf can open. */
public final class BundledObjects {
    private BundledObjects() {
    }

    /**
     * Copies {@code dev/senda/bpf/<name>} to a new temporary file; the caller deletes it after loading.
     *
     * @throws IllegalStateException when the resource is missing (a build without the bpf module)
     */
    public static Path extract(String name) {
        return extract(name, java.util.Optional.empty());
    }

    /**
     * As {@link #extract(String)}, but a file of that name in {@code overrideDir} ({@code --bpf-object-dir})
     * wins over the resource: a datapath built apart from the agent (a patched or newer object) is loaded
     * through the same checks. The copy keeps the caller's delete-after-load uniform.
     */
    public static Path extract(String name, java.util.Optional<Path> overrideDir) {
        if (overrideDir.isPresent() && Files.isRegularFile(overrideDir.get().resolve(name))) {
            try {
                Path file = Files.createTempFile("senda-", "-" + name);
                Files.copy(overrideDir.get().resolve(name), file, StandardCopyOption.REPLACE_EXISTING);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy BPF object " + overrideDir.get().resolve(name), e);
            }
        }
        String resource = DatapathLayout.RESOURCE_DIR + name;
        try (InputStream in = BundledObjects.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("BPF object " + resource + " is not on the classpath; was bpf/ built?");
            }
            Path file = Files.createTempFile("senda-", "-" + name);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract BPF object " + resource, e);
        }
    }
}
