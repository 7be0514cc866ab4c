package dev.senda.agent;

import dev.senda.reconcile.SyncReport;
import dev.senda.reconcile.SyncRunner;
import dev.senda.source.RejectedFile;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether the agent's programming is healthy, fed by sync outcomes (it is a
 * {@link SyncRunner.Observer}) and by the source's rejected inputs, and read by {@link HealthServer}.
 *
 * <p>Ready: a complete sync (every source synced, full desired state programmed) has succeeded
 * once. Live: ready, and the last successful sync is at most {@code staleAfter} old, and the
 * current failure streak (if any) started at most {@code failureGrace} ago. A periodic resync
 * runs every max interval, so {@code staleAfter} of twice that tolerates one late sync.
 *
 * <p>Healthy: live, and no input the source refused is missing from what is programmed, that is no
 * {@link RejectedFile} without {@link RejectedFile#lastGoodKept() a last good version}. Such a file
 * (too large, unparsable since the agent started) means Services the operator declared are not
 * served, which a probe must see; a file that broke while the agent ran keeps its last good objects
 * programmed, so it is listed but leaves the agent healthy. It is not a liveness failure: a restart
 * cannot fix a file (as kube-proxy's /livez ignores what its /healthz adds about the node).
 */
public final class HealthState implements SyncRunner.Observer {
    /**
     * What the health endpoints answer, at {@code currentTime}.
     *
     * @param healthy       /healthz: live and nothing refused is missing
     * @param live          /livez: syncs succeed and are fresh
     * @param ready         /readyz: the first complete sync has been programmed
     * @param reason        why not healthy, for people ("ok" when healthy)
     * @param rejectedFiles every input the source currently refuses, missing or not
     */
    public record Status(boolean healthy, boolean live, boolean ready, Optional<Instant> lastUpdated,
                         Instant currentTime, String reason, List<RejectedFile> rejectedFiles) {
        public Status {
            rejectedFiles = List.copyOf(rejectedFiles);
        }
    }

    private final Duration staleAfter;
    private final Duration failureGrace;
    private final InstantSource clock;
    private final Supplier<List<RejectedFile>> rejectedFiles;
    private boolean ready;
    private Instant lastSuccess;
    private Instant failingSince;

    /**
     * @param staleAfter   longest time since the last successful sync that is still healthy
     * @param failureGrace longest failure streak that is still healthy
     * @param clock        time source (tests pass a fixed or stepping one)
     */
    public HealthState(Duration staleAfter, Duration failureGrace, InstantSource clock) {
        this(staleAfter, failureGrace, clock, List::of);
    }

    /**
     * @param rejectedFiles the source's refused inputs ({@link dev.senda.source.Source#rejectedFiles()}),
     *                      read at every status
     */
    public HealthState(Duration staleAfter, Duration failureGrace, InstantSource clock,
                       Supplier<List<RejectedFile>> rejectedFiles) {
        this.staleAfter = requirePositive("staleAfter", staleAfter);
        this.failureGrace = requirePositive("failureGrace", failureGrace);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rejectedFiles = Objects.requireNonNull(rejectedFiles, "rejectedFiles");
    }

    /** Stale after twice the runner's max interval; failures tolerated for one max interval. */
    public static HealthState forSyncSettings(SyncRunner.Settings settings, Supplier<List<RejectedFile>> rejectedFiles) {
        return new HealthState(settings.maxInterval().multipliedBy(2), settings.maxInterval(), InstantSource.system(),
                rejectedFiles);
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

    public Status status() {
        // Read outside the monitor: the source publishes an immutable list, and its lock is its own.
        List<RejectedFile> rejected = rejectedFiles.get();
        synchronized (this) {
            Instant now = clock.instant();
            Optional<Instant> last = Optional.ofNullable(lastSuccess);
            String notLive = notLiveReason(now);
            if (notLive != null) return new Status(false, false, ready, last, now, notLive, rejected);
            List<RejectedFile> missing = rejected.stream().filter(r -> !r.lastGoodKept()).toList();
            if (!missing.isEmpty()) return new Status(false, true, true, last, now, missingReason(missing), rejected);
            return new Status(true, true, true, last, now, "ok", rejected);
        }
    }

    /** Null when live. */
    private String notLiveReason(Instant now) {
        if (!ready) return "initial sync not programmed yet";
        if (Duration.between(lastSuccess, now).compareTo(staleAfter) > 0) {
            return "no successful sync for more than " + staleAfter;
        }
        if (failingSince != null && Duration.between(failingSince, now).compareTo(failureGrace) > 0) {
            return "syncs failing since " + failingSince;
        }
        return null;
    }

    private static String missingReason(List<RejectedFile> missing) {
        RejectedFile first = missing.getFirst();
        return missing.size() + " file(s) refused, nothing programmed from them; first " + first.file() + " ("
                + first.reason().label() + ": " + first.detail() + ")";
    }

    private static Duration requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
        return d;
    }
}
