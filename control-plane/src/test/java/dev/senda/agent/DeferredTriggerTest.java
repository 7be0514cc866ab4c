package dev.senda.agent;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeferredTriggerTest {
    @Test
    void callsBeforeOpenRunTheTargetOnceWhenItOpens() {
        DeferredTrigger trigger = new DeferredTrigger();
        AtomicInteger runs = new AtomicInteger();
        trigger.run();
        trigger.run();
        assertEquals(0, runs.get());
        trigger.open(runs::incrementAndGet);
        assertEquals(1, runs.get(), "the calls before open, as one");
        trigger.run();
        assertEquals(2, runs.get(), "after open: at once");
        assertThrows(IllegalStateException.class, () -> trigger.open(runs::incrementAndGet));
    }

    @Test
    void withoutEarlierCallsOpeningRunsNothing() {
        DeferredTrigger trigger = new DeferredTrigger();
        AtomicInteger runs = new AtomicInteger();
        trigger.open(runs::incrementAndGet);
        assertEquals(0, runs.get());
    }

    /** Calls racing the open are never lost: every thread's last call is followed by at least one run. */
    @Test
    void callsRacingTheOpenAreNotLost() throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            DeferredTrigger trigger = new DeferredTrigger();
            AtomicInteger runs = new AtomicInteger();
            Thread caller = Thread.ofPlatform().start(trigger);
            trigger.open(runs::incrementAndGet);
            caller.join(5_000);
            assertEquals(1, runs.get(), "round " + round + ": the one call ran once, before or after the open");
        }
    }
}
