package dev.senda.agent;

import dev.senda.reconcile.SyncReport;
import dev.senda.reconcile.SyncRunner;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the agent's programming is healthy, fed by sync outcomes (it is a
 * {@link SyncRunner.Observer}) and read by {@link HealthServer}.
 *
 * <p>Ready: a complete sync (every source synced, full desired state programmed) has succeeded
 * once. Healthy: ready, and the last successful sync is at most {@code staleAfter} old, and the
 * current failure streak (if any) started at most {@code failureGrace} ago. A periodic resync
 * runs every max interval, so {@code staleAfter} of twice that tolerates one late sync.
 */
public final class HealthState implements SyncRunner.Observer {
    /** What /healthz and /readyz answer, at {@code currentTime}. */
    public record Status(boolean healthy, boolean ready, Optional<Instant> lastUpdated, Instant currentTime, String reason) {
    }

    private final Duration staleAfter;
    private final Duration failureGrace;
    private final InstantSource clock;
    private boolean ready;
    private Instant lastSuccess;
    private Instant failingSince;

    /**
     * @param staleAfter   longest time since the last successful sync that is still healthy
     * @param failureGrace longest failure streak that is still healthy
     * @param clock        time source (tests pass a fixed or stepping one)
     */
    public HealthState(Duration staleAfter, Duration failureGrace, InstantSource clock) {
        this.staleAfter = requirePositive("staleAfter", staleAfter);
        this.failureGrace = requirePositive("failureGrace", failureGrace);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Stale after twice the runner's max interval; failures tolerated for one max interval. */
    public static HealthState forSyncSettings(SyncRunner.Settings settings) {
        return new HealthState(settings.maxInterval().multipliedBy(2), settings.maxInterval(), InstantSource.system());
    }

    /** A sync succeeded; {@code complete} as in {@link dev.senda.reconcile.SyncResult#complete()}. */
    public synchronized void syncSucceeded(boolean complete) {
        lastSuccess = clock.instant();
        failingSince = null;
        if (complete) ready = true;
    }

    public synchronized void syncFailed() {
        if (failingSince == null) failingSince = clock.instant();
    }

    @Override
    public void syncFinished(SyncReport report) {
        if (report.result().success()) syncSucceeded(report.result().complete());
        else syncFailed();
    }

    public synchronized Status status() {
        Instant now = clock.instant();
        Optional<Instant> last = Optional.ofNullable(lastSuccess);
        if (!ready) return new Status(false, false, last, now, "initial sync not programmed yet");
        if (Duration.between(lastSuccess, now).compareTo(staleAfter) > 0) {
            return new Status(false, true, last, now, "no successful sync for more than " + staleAfter);
        }
        if (failingSince != null && Duration.between(failingSince, now).compareTo(failureGrace) > 0) {
            return new Status(false, true, last, now, "syncs failing since " + failingSince);
        }
        return new Status(true, true, last, now, "ok");
    }

    private static Duration requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
        return d;
    }
}
