package dev.senda.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParserWarmUpTest {
    @Test
    void theSampleIsAServiceAndAnEndpointSliceTheParserReads() {
        assertEquals(2, ParserWarmUp.run(), "a sample that no longer parses would warm up nothing");
    }

    @Test
    void itRunsOnADaemonThreadThatEnds() throws InterruptedException {
        Thread t = ParserWarmUp.start();
        assertTrue(t.isDaemon());
        t.join(60_000);
        assertFalse(t.isAlive());
    }
}
