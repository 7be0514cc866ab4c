package dev.senda.reconcile;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished sync, as passed to {@link SyncRunner.Observer}s (metrics, health).
 *
 * @param reason              why it ran
 * @param result              what the sync function returned (a thrown exception becomes a failure)
 * @param duration            how long the sync function ran
 * @param programmingLatency  successful syncs that handled requests only: time from the first
 *                            {@link SyncRunner#requestSync()} they covered to their end (the
 *                            network-programming latency); empty otherwise
 */
public record SyncReport(SyncReason reason, SyncResult result, Duration duration, Optional<Duration> programmingLatency) {
    public SyncReport {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(programmingLatency, "programmingLatency");
    }
}
