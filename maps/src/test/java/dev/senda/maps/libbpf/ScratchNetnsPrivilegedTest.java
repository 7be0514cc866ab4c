package dev.senda.maps.libbpf;

import dev.senda.maps.TestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("privileged")
class ScratchNetnsPrivilegedTest {
    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void theTaskSeesOnlyAFreshLoopbackAndTheCallerStaysWhereItWas() throws Exception {
        String callerNetns = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        String[] inside = new String[1];
        Map<String, Integer> devices = ScratchNetns.run(Duration.ofSeconds(5), lo -> {
            try {
                inside[0] = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertEquals(1, lo);
            return NetDevices.list();
        });
        assertEquals(Map.of("lo", 1), devices);
        assertNotEquals(callerNetns, inside[0]);
        assertEquals(callerNetns, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    }

    @Test
    void whatTheTaskThrowsReachesTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ScratchNetns.run(Duration.ofSeconds(5), lo -> {
                    throw new IllegalStateException("from inside");
                }));
        assertEquals("from inside", e.getMessage());
    }

    @Test
    void aTaskThatHangsIsCutOff() {
        LibbpfException e = assertThrows(LibbpfException.class, () -> ScratchNetns.run(Duration.ofMillis(200), lo -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
    }
}
