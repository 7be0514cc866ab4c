package dev.senda.agent;

import dev.senda.reconcile.SyncReason;
import dev.senda.reconcile.SyncReport;
import dev.senda.reconcile.SyncResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
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
    /** Sync period 60 s: changes must be programmed within 120 s. */
    final HealthState health = new HealthState(Duration.ofSeconds(120), clock);

    @Test
    void unhealthyUntilTheFirstCompleteSyncButLiveWhileStartingOrWaiting() {
        assertFalse(health.status().healthy());
        assertTrue(health.status().live(), "starting");
        assertTrue(health.status().lastUpdated().isEmpty());
        health.syncSucceeded(false);  // sources not synced yet: nothing programmed
        assertFalse(health.status().ready());
        assertFalse(health.status().healthy());
        clock.advance(Duration.ofMinutes(30));
        health.syncFailed();
        assertTrue(health.status().live(), "waiting for the source is not a reason to be restarted");
        assertFalse(health.status().healthy());
        assertEquals("initial sync not programmed yet", health.status().reason());
        health.syncSucceeded(true);
        assertTrue(health.status().ready());
        assertTrue(health.status().live());
        assertTrue(health.status().healthy());
        assertEquals(clock.instant(), health.status().lastUpdated().orElseThrow());
    }

    @Test
    void healthyWithoutSyncsAsLongAsNothingIsQueued() {
        health.syncSucceeded(true);
        clock.advance(Duration.ofHours(5));
        assertTrue(health.status().healthy(), "nothing to program is not a failure: " + health.status().reason());
    }

    @Test
    void aQueuedChangeMustBeProgrammedWithinTheTimeout() {
        health.syncSucceeded(true);
        clock.advance(Duration.ofSeconds(10));
        health.queuedUpdate();
        clock.advance(Duration.ofSeconds(100));
        health.queuedUpdate(); // a later change does not move the oldest one
        clock.advance(Duration.ofSeconds(19));
        assertTrue(health.status().healthy(), "119 s < 120 s");
        clock.advance(Duration.ofSeconds(1));
        HealthState.Status late = health.status();
        assertFalse(late.healthy());
        assertFalse(late.live());
        assertTrue(late.ready(), "readiness is not lost");
        assertTrue(late.reason().contains("2025-01-01T00:00:10Z"), late.reason());

        health.syncSucceeded(false); // an incomplete sync programs nothing
        assertFalse(health.status().healthy());
        health.syncSucceeded(true);
        assertTrue(health.status().healthy());
    }

    @Test
    void aChangeQueuedWhileASyncRanIsLeftForTheNextSync() {
        health.syncSucceeded(true);
        clock.advance(Duration.ofSeconds(5));
        health.queuedUpdate();
        clock.advance(Duration.ofSeconds(1));
        // this sync started 2 s ago, before the change was queued 1 s ago
        health.syncFinished(new SyncReport(SyncReason.REQUESTED, SyncResult.success(true), Duration.ofSeconds(2), Optional.empty()));
        clock.advance(Duration.ofSeconds(119));
        assertFalse(health.status().live(), "the change queued during the sync is still pending");
        health.syncFinished(new SyncReport(SyncReason.REQUESTED, SyncResult.success(true), Duration.ofMillis(10), Optional.empty()));
        assertTrue(health.status().live());
    }

    @Test
    void failingSyncsTurnUnhealthyOneTimeoutAfterTheFirstFailure() {
        health.syncSucceeded(true);
        clock.advance(Duration.ofSeconds(30));
        health.syncFinished(new SyncReport(SyncReason.PERIODIC, SyncResult.failure("map full"), Duration.ofMillis(5), Optional.empty()));
        clock.advance(Duration.ofSeconds(60));
        health.syncFailed();
        clock.advance(Duration.ofSeconds(59));
        assertTrue(health.status().healthy(), "failing for 119 s");
        clock.advance(Duration.ofSeconds(1));
        assertFalse(health.status().healthy(), "failing for 120 s");
        health.syncSucceeded(true);
        assertTrue(health.status().healthy());
    }

    @Test
    void aNodeBeingDeletedIsUnhealthyButLive() {
        health.syncSucceeded(true);
        assertTrue(health.status().nodeEligible(), "eligible by default");
        health.setNodeEligible(false);
        HealthState.Status deleting = health.status();
        assertFalse(deleting.healthy());
        assertFalse(deleting.nodeEligible());
        assertTrue(deleting.live(), "a restart cannot stop a Node deletion");
        assertEquals("the Node is being deleted", deleting.reason());
        health.setNodeEligible(true);
        assertTrue(health.status().healthy());
    }
}
