package dev.senda.datapath;

import dev.senda.maps.TestSupport;
import dev.senda.maps.features.FeatureProbe;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.Bpffs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code senda cleanup} removes Senda's pins and nothing else, and undoes a bpffs mount it made. */
@Tag("privileged")
class CleanupPrivilegedTest {
    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void leavesForeignPinsAndTheRootAlone() throws Exception {
        Path root = Path.of("/sys/fs/bpf", TestSupport.uniqueName());
        Path foreign = root.resolve("other_tools_map");
        try {
            try (Datapath datapath = Datapath.load(root, FeatureProbe.probe())) {
                assertTrue(Files.exists(root.resolve("senda_svc4_v1")));
            }
            // Another tool's pin in the same directory: re-pin one of our maps under a foreign name.
            try (BpfMap m = BpfMap.openPinned(root.resolve("senda_revnat4_v1"))) {
                TestSupport.run("bpftool", "map", "pin", "id", String.valueOf(m.info().id()), foreign.toString());
            }
            Cleanup.Report report = Cleanup.run(root);
            assertTrue(report.removedPins().contains("senda_svc4_v1"), report.toString());
            assertEquals(java.util.List.of("other_tools_map"), report.leftAlone());
            assertTrue(Files.exists(foreign), "a pin Senda did not make survives cleanup");
            assertFalse(Files.exists(root.resolve("senda_svc4_v1")));
        } finally {
            Files.deleteIfExists(foreign);
            Cleanup.run(root);
        }
        assertFalse(Files.exists(root), "an emptied root is removed");
    }

    @Test
    void unmountsTheBpffsItMountedOnARootOutsideSysFsBpf() throws Exception {
        Path root = Files.createTempDirectory("sdcleanup-").resolve("pins");
        try {
            try (Datapath ignored = Datapath.load(root, FeatureProbe.probe())) {
                assertTrue(Bpffs.isBpffs(root), "agent mounted bpffs on " + root);
            }
            Cleanup.run(root);
            assertFalse(Files.exists(root), "root removed after unmount");
        } finally {
            if (Files.isDirectory(root) && Bpffs.isBpffs(root)) Bpffs.unmountOwnRoot(root);
            Files.deleteIfExists(root);
            Files.deleteIfExists(root.getParent());
        }
    }
}
