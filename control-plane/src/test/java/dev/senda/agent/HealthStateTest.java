package dev.senda.agent;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthStateTest {
    /** A clock tests move by hand. */
    static final class ManualClock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    final ManualClock clock = new ManualClock();
    final HealthState health = new HealthState(Duration.ofSeconds(120), Duration.ofSeconds(30), clock);

    @Test
    void unhealthyUntilTheFirstCompleteSync() {
        assertFalse(health.status().healthy());
        assertTrue(health.status().lastUpdated().isEmpty());
        health.syncSucceeded(false);  // sources not synced yet
        assertFalse(health.status().ready());
        assertFalse(health.status().healthy());
        health.syncSucceeded(true);
        assertTrue(health.status().ready());
        assertTrue(health.status().healthy());
        assertEquals(clock.instant(), health.status().lastUpdated().orElseThrow());
    }

    @Test
    void unhealthyWhenSyncsStopOrKeepFailingPastTheGrace() {
        health.syncSucceeded(true);
        clock.advance(Duration.ofSeconds(121));
        assertFalse(health.status().healthy(), health.status().reason());
        assertTrue(health.status().ready(), "readiness is not lost");
        health.syncSucceeded(false);
        assertTrue(health.status().healthy());

        health.syncFailed();
        clock.advance(Duration.ofSeconds(20));
        health.syncFailed();
        assertTrue(health.status().healthy(), "within the grace");
        clock.advance(Duration.ofSeconds(11));
        assertFalse(health.status().healthy(), "failing for 31 s > 30 s grace");
        health.syncSucceeded(false);
        assertTrue(health.status().healthy());
    }
}
