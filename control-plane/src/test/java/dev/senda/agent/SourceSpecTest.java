package dev.senda.agent;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceSpecTest {
    @Test
    void defaultIsKubernetesWithOptionalKubeconfig() {
        assertEquals(new SourceSpec.Kubernetes(Optional.of(Path.of("/k"))),
                SourceSpec.parse("kubernetes", Optional.of(Path.of("/k"))));
        assertEquals(new SourceSpec.Kubernetes(Optional.empty()), SourceSpec.parse(null, Optional.empty()));
    }

    @Test
    void directory() {
        assertEquals(new SourceSpec.Directory(Path.of("/etc/senda")), SourceSpec.parse("dir:/etc/senda", Optional.empty()));
    }

    @Test
    void directoryCarriesTheFileBound() {
        assertEquals(new SourceSpec.Directory(Path.of("/d"), 1024), SourceSpec.parse("dir:/d", Optional.empty(), 1024));
        assertEquals(dev.senda.source.DirectorySource.DEFAULT_MAX_FILE_BYTES,
                ((SourceSpec.Directory) SourceSpec.parse("dir:/d", Optional.empty())).maxFileBytes());
        var e = assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("dir:/d", Optional.empty(), 0));
        assertTrue(e.getMessage().contains("--source-max-file-bytes"), e.getMessage());
    }

    @Test
    void badValuesNameTheFlag() {
        var e = assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("file:/x", Optional.empty()));
        assertTrue(e.getMessage().startsWith("--source"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("dir:", Optional.empty()));
        var both = assertThrows(IllegalArgumentException.class,
                () -> SourceSpec.parse("dir:/x", Optional.of(Path.of("/k"))));
        assertTrue(both.getMessage().contains("--kubeconfig"), both.getMessage());
    }
}
