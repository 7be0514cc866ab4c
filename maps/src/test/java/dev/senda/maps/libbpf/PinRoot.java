package dev.senda.maps.libbpf;

import java.nio.file.Path;

import dev.senda.maps.TestSupport;

/** A unique pin root under /sys/fs/bpf (bpffs mounted if needed), removed with its pins on close. */
public record PinRoot(Path path) implements AutoCloseable {

    public static PinRoot create() {
        return new PinRoot(Bpffs.ensureMounted(Path.of("/sys/fs/bpf", TestSupport.uniqueName() + "-maps-test")));
    }

    @Override
    public void close() {
        TestSupport.deleteTree(path);
    }
}
