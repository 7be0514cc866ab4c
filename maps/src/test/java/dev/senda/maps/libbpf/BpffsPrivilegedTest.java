package dev.senda.maps.libbpf;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.senda.maps.TestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("privileged")
class BpffsPrivilegedTest {

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void createsNestedRootsUnderSysFsBpf() {
        Path top = Path.of("/sys/fs/bpf", TestSupport.uniqueName() + "-bpffs-test");
        try {
            Path root = Bpffs.ensureMounted(top.resolve("a/b"));
            assertTrue(Files.isDirectory(root));
            assertTrue(Bpffs.isBpffs(root));
            Bpffs.ensureMounted(root); // idempotent
        } finally {
            TestSupport.deleteTree(top);
        }
    }

    @Test
    void mountsABpffsOnARootOutsideSysFsBpf() throws Exception {
        Path dir = Files.createTempDirectory(TestSupport.uniqueName() + "-bpffs");
        Path root = dir.resolve("pins");
        try {
            assertFalse(Bpffs.isBpffs(dir));
            Bpffs.ensureMounted(root);
            assertTrue(Bpffs.isBpffs(root), root + " is a bpffs");
            Bpffs.ensureMounted(root); // a second call must not stack another mount
            long mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .filter(l -> l.split(" ")[1].equals(root.toString())).count();
            assertEquals(1, mounts, "exactly one mount on " + root);
        } finally {
            TestSupport.runQuietly("umount", root.toString());
            TestSupport.deleteTree(dir);
        }
    }
}
