package dev.senda.maps.metrics;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PossibleCpusTest {
    @TempDir
    Path tmp;

    @Test
    void countsTheCpusOfAKernelCpuList() {
        assertEquals(1, PossibleCpus.parse("0"));
        assertEquals(2, PossibleCpus.parse("0-1"));
        assertEquals(2, PossibleCpus.parse("0-1\n"), "the sysfs file ends with a newline");
        assertEquals(7, PossibleCpus.parse("0-3,5,7-8"));
        assertEquals(1, PossibleCpus.parse("4"), "a list need not start at 0");
        assertEquals(3, PossibleCpus.parse("0-2,1-2"), "overlaps count once");
        assertEquals(256, PossibleCpus.parse("0-255"));
    }

    @Test
    void rejectsWhatTheKernelNeverWrites() {
        for (String bad : new String[] {"", "\n", "a", "1-", "-1", "3-1", "0,,1", "0-1,", "+1", "0 - 1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PossibleCpus.parse(bad),
                    "'" + bad + "'");
            assertTrue(e.getMessage().contains("CPU list"), e.getMessage());
        }
    }

    @Test
    void readsTheFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("possible"), "0-3,5,7-8\n");
        assertEquals(7, PossibleCpus.read(f));
        assertTrue(PossibleCpus.count() >= 1, "this machine has at least one possible CPU");
        assertTrue(PossibleCpus.count() >= Runtime.getRuntime().availableProcessors());
    }
}
