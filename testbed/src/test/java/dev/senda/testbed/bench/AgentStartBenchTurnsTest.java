package dev.senda.testbed.bench;

import dev.senda.testbed.bench.AgentStartBench.Options;
import dev.senda.testbed.bench.AgentStartBench.Turn;
import dev.senda.testbed.bench.AgentStartBench.Variant;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start benchmark's variants take turns, run by run, and each has a name of its own. */
class AgentStartBenchTurnsTest {
    private static final Variant A = new Variant("a", true, List.of());
    private static final Variant B = new Variant("b", true, List.of("-Xmx512m"));

    @Test
    void variantsTakeTurnsRunByRun() {
        assertEquals(List.of(new Turn(0, A), new Turn(0, B), new Turn(1, A), new Turn(1, B), new Turn(2, A),
                new Turn(2, B)), AgentStartBench.turns(3, List.of(A, B)));
        assertEquals(List.of(new Turn(0, B), new Turn(0, A)), AgentStartBench.turns(1, List.of(B, A)));
    }

    @Test
    void twoVariantsOfOneNameAreRefused() {
        // they would share one archive (<name>.jsa) and one set of rows
        Variant otherA = new Variant("a", false, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Options(List.of(100), 10, 1,
                List.of(A, otherA), Duration.ofSeconds(1), Path.of("/tmp/unused")));
        assertTrue(e.getMessage().contains("share a name"), e.getMessage());
    }
}
