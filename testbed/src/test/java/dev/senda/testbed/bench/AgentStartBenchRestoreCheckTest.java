package dev.senda.testbed.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A restart counts only when its log says it found the first start's maps. */
class AgentStartBenchRestoreCheckTest {
    private static final String LINE = "2026-12-07T05:43:38.543Z INFO  Agent: restored from pinned maps: "
            + "RestoreResult[frontends=%d, backends=1000, serviceEntries=1100, revNats=100]\n";

    @Test
    void aRestartThatRestoredEveryServiceCounts(@TempDir Path dir) throws IOException {
        Path log = Files.writeString(dir.resolve("restart.log"), "starting\n" + LINE.formatted(100));
        assertDoesNotThrow(() -> AgentStartBench.requireRestored(log, 100));
    }

    @Test
    void aRestartOnEmptyMapsIsRefusedNamingWhatItFound(@TempDir Path dir) throws IOException {
        Path log = Files.writeString(dir.resolve("restart.log"), LINE.formatted(0));
        IOException e = assertThrows(IOException.class, () -> AgentStartBench.requireRestored(log, 100));
        assertTrue(e.getMessage().contains("restored 0 frontends"), e.getMessage());
    }

    @Test
    void aLogWithoutTheRestoreLineIsRefused(@TempDir Path dir) throws IOException {
        Path log = Files.writeString(dir.resolve("restart.log"), "starting\n");
        IOException e = assertThrows(IOException.class, () -> AgentStartBench.requireRestored(log, 100));
        assertTrue(e.getMessage().contains("restored nothing"), e.getMessage());
    }
}
