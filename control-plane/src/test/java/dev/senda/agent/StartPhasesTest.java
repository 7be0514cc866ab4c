package dev.senda.agent;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
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
    void theProcessAgeIsTheUptimeLessTheStartTicks() {
        // a command name with a space and a parenthesis; start time 1,076,663 ticks = 10,766.63 s after boot
        String stat = "18878 (ja va)x) R 18875 18875 14346 0 -1 4194304 96 0 0 0 0 0 0 0 20 0 1 0 1076663 3133440 360\n";
        assertEquals(Optional.of(Duration.ofMillis(1_020)), StartPhases.processAge(stat, "10767.65 8466.31\n"));
        assertEquals(Optional.empty(), StartPhases.processAge(stat, "10766.00 8466.31\n"), "a start after the uptime");
        assertEquals(Optional.empty(), StartPhases.processAge("18878 (java) R 1 2", "10767.65 1.0"), "a stat cut short");
        assertEquals(Optional.empty(), StartPhases.processAge(stat, "soon"));
    }

    @Test
    void thisProcessHasRunForSomeTimeAlready() {
        assertTrue(StartPhases.sinceProcessStart().sinceStartMillis() > 0);
    }
}
