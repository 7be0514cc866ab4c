package dev.senda.agent;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartPhasesTest {
    @Test
    void eachPhaseLastsFromThePreviousOnesEndAndTheTotalCountsFromTheProcessStart() {
        AtomicLong nanos = new AtomicLong(5_000_000_000L);
        StartPhases phases = new StartPhases(Duration.ofMillis(400), nanos::get);
        nanos.addAndGet(30_000_000);
        phases.mark("kernel features");
        nanos.addAndGet(900_000_000);
        phases.mark("datapath load");
        assertEquals("jvm+cli 400 ms, kernel features 30 ms, datapath load 900 ms", phases.summary());
        assertEquals(1330, phases.sinceStartMillis());
    }

    @Test
    void thisProcessHasRunForSomeTimeAlready() {
        assertTrue(StartPhases.sinceProcessStart().sinceStartMillis() > 0);
    }
}
