package dev.senda.agent;

import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.SyncReport;
import dev.senda.reconcile.SyncRunner;
import dev.senda.source.RejectedFile;
import dev.senda.source.SourceHealth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether the agent's programming is healthy, fed by queued changes ({@link #queuedUpdate()}), sync
 * outcomes (it is a {@link SyncRunner.Observer}), the Node's eligibility and the source's rejected
 * inputs, and read by {@link HealthServer}.
 *
 * <p>The rule is kube-proxy's: a change that was queued (a source event, or a sync that failed and so
 * left its work undone) must be programmed within {@code healthTimeout}, twice the periodic sync
 * interval. The oldest such change is tracked; a successful complete sync that started after it clears
 * it. So an agent with nothing to do stays healthy however long ago it last synced, and one whose
 * syncs keep failing turns unhealthy {@code healthTimeout} after the first failure.
 *
 * <ul>
 *   <li>Live ({@code /livez}): no queued change is overdue once the first complete sync is programmed.
 *       Before it, the agent is starting or waiting for its source (an API server that does not answer
 *       yet): live, since a restart would only start the wait again, and a liveness probe must not kill
 *       a waiting agent; not ready and not healthy, which is what load balancers and rollouts see.</li>
 *   <li>Ready ({@code /readyz}): a complete sync (every source synced, full desired state programmed)
 *       has succeeded once.</li>
 *   <li>Healthy ({@code /healthz}): live, ready, the Node is eligible (not being deleted), and no input
 *       the source refused is missing from what is programmed, that is no {@link RejectedFile} without
 *       {@link RejectedFile#lastGoodKept() a last good version}. Readiness is Senda's addition to
 *       kube-proxy's rule (kube-proxy answers 200 before its first sync): load balancers and the
 *       testbed use /healthz to know that the node forwards. Rejected files and Node deletion are not
 *       liveness failures: a restart cannot fix either (kube-proxy's /livez ignores the Node too).</li>
 * </ul>
 *
 * <p>An API server outage changes none of these by itself, as in kube-proxy: while the API server is
 * away no change can be queued, so with nothing pending the agent stays healthy and keeps forwarding
 * the last state it programmed (its periodic resync keeps succeeding on the store it has). Failing
 * every node's /healthz at once because the control plane is down would have external load balancers
 * drain a cluster whose datapath works. How current that state is shows in {@link Status#source()}:
 * whether the API watch is healthy and when it last was.
 */
public final class HealthState implements SyncRunner.Observer {
    /**
     * What the health endpoints answer, at {@code currentTime}.
     *
     * @param healthy       /healthz: live, ready, node eligible and nothing refused is missing
     * @param live          /livez: no queued change overdue
     * @param ready         /readyz: the first complete sync has been programmed
     * @param nodeEligible  false while the Node is being deleted
     * @param lastUpdated   end of the last successful complete sync; empty before the first
     * @param reason        why not healthy, for people ("ok" when healthy)
     * @param rejectedFiles every input the source currently refuses, missing or not
     * @param source        whether the source's view is current (the API watch), and since when
     * @param unprogrammed  desired frontends the last sync could not program (a full map): a count and
     *                      the first few names; they make syncs fail, so health follows the rule above
     * @param datapathFailure the datapath objects this agent could not load (the verifier's reason), when
     *                      so: the datapath of the agent before keeps running, this agent programs
     *                      nothing, /healthz and /readyz stay 503 (a rollout stops here), /livez 200 (a
     *                      restart would fail the same way)
     */
    public record Status(boolean healthy, boolean live, boolean ready, boolean nodeEligible,
                         Optional<Instant> lastUpdated, Instant currentTime, String reason,
                         List<RejectedFile> rejectedFiles, SourceHealth source, ApplyResult.Unprogrammed unprogrammed,
                         Optional<DatapathFailure> datapathFailure) {
        public Status {
            Objects.requireNonNull(datapathFailure, "datapathFailure");
            Objects.requireNonNull(lastUpdated, "lastUpdated");
            Objects.requireNonNull(currentTime, "currentTime");
            Objects.requireNonNull(reason, "reason");
            rejectedFiles = List.copyOf(rejectedFiles);
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(unprogrammed, "unprogrammed");
        }

        /**
         * How old the last good sync of the source is at {@link #currentTime}: zero for a source that is
         * always current, empty before the source was ever current.
         */
        public Optional<Duration> lastGoodSyncAge() {
            if (source.lastGoodSync().isEmpty()) {
                return source.healthy() ? Optional.of(Duration.ZERO) : Optional.empty();
            }
            Duration age = Duration.between(source.lastGoodSync().get(), currentTime);
            return Optional.of(age.isNegative() ? Duration.ZERO : age);
        }
    }

    /**
     * A datapath object the kernel refused at start.
     *
     * @param object       the object's file name
     * @param program      the rejected program, when known
     * @param verifierTail the last lines of the verifier's log, bounded
     */
    public record DatapathFailure(String object, Optional<String> program, String verifierTail) {
        public DatapathFailure {
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(program, "program");
            Objects.requireNonNull(verifierTail, "verifierTail");
        }
    }

    private final Duration healthTimeout;
    private final InstantSource clock;
    private DatapathFailure datapathFailure;
    private final Supplier<List<RejectedFile>> rejectedFiles;
    private final Supplier<SourceHealth> sourceHealth;
    private boolean ready;
    private boolean nodeEligible = true;
    private Instant lastUpdated;
    private ApplyResult.Unprogrammed unprogrammed = ApplyResult.Unprogrammed.NONE;
    /** When the oldest change not yet programmed was queued; null when none is pending. */
    private Instant oldestPending;

    /**
     * @param healthTimeout longest time a queued change may wait to be programmed (kube-proxy: twice
     *                      the sync period)
     * @param clock         time source (tests pass a manual one); start-up counts as queued now
     */
    public HealthState(Duration healthTimeout, InstantSource clock) {
        this(healthTimeout, clock, List::of);
    }

    /**
     * @param rejectedFiles the source's refused inputs ({@link dev.senda.source.Source#rejectedFiles()}),
     *                      read at every status
     */
    public HealthState(Duration healthTimeout, InstantSource clock, Supplier<List<RejectedFile>> rejectedFiles) {
        this(healthTimeout, clock, rejectedFiles, () -> SourceHealth.ALWAYS_CURRENT);
    }

    /**
     * @param sourceHealth the source's {@link dev.senda.source.Source#health()}, read at every status; it
     *                     shows in the body and does not change the verdicts (see the class comment)
     */
    public HealthState(Duration healthTimeout, InstantSource clock, Supplier<List<RejectedFile>> rejectedFiles,
                       Supplier<SourceHealth> sourceHealth) {
        Objects.requireNonNull(healthTimeout, "healthTimeout");
        if (healthTimeout.isNegative() || healthTimeout.isZero()) {
            throw new IllegalArgumentException("healthTimeout must be positive: " + healthTimeout);
        }
        this.healthTimeout = healthTimeout;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rejectedFiles = Objects.requireNonNull(rejectedFiles, "rejectedFiles");
        this.sourceHealth = Objects.requireNonNull(sourceHealth, "sourceHealth");
        this.oldestPending = clock.instant();
    }

    /** kube-proxy's health timeout: twice the runner's periodic sync interval. */
    public static HealthState forSyncSettings(SyncRunner.Settings settings, Supplier<List<RejectedFile>> rejectedFiles) {
        return new HealthState(settings.maxInterval().multipliedBy(2), InstantSource.system(), rejectedFiles);
    }

    /** As {@link #forSyncSettings(SyncRunner.Settings, Supplier)}, showing the source's health in the body. */
    public static HealthState forSource(SyncRunner.Settings settings, dev.senda.source.Source source) {
        return new HealthState(settings.maxInterval().multipliedBy(2), InstantSource.system(), source::rejectedFiles,
                source::health);
    }

    /** A change arrived that a sync must program (call it with every sync request a source makes). */
    public synchronized void queuedUpdate() {
        if (oldestPending == null) oldestPending = clock.instant();
    }

    /**
     * Whether the Node allows serving: false while it is being deleted (deletionTimestamp set), which
     * turns /healthz 503 so external load balancers drain the node first. Eligible until told otherwise.
     */
    public synchronized void setNodeEligible(boolean eligible) {
        nodeEligible = eligible;
    }

    /** The datapath could not be loaded: /healthz says so, with the verifier's reason (see {@link Status}). */
    public synchronized void setDatapathFailure(DatapathFailure failure) {
        datapathFailure = Objects.requireNonNull(failure, "failure");
    }

    /** The desired frontends the last apply could not program (shown in the body, not a health rule). */
    public synchronized void setUnprogrammed(ApplyResult.Unprogrammed frontends) {
        unprogrammed = Objects.requireNonNull(frontends, "frontends");
    }

    /**
     * A sync that started right now succeeded; {@code complete} as in
     * {@link dev.senda.reconcile.SyncResult#complete()}.
     */
    public void syncSucceeded(boolean complete) {
        syncSucceeded(complete, Duration.ZERO);
    }

    /**
     * A sync that ran for {@code took} and ended now succeeded. Only a complete one programs queued
     * changes, and only those queued before it started: a later one is left for the next sync.
     */
    public synchronized void syncSucceeded(boolean complete, Duration took) {
        if (!complete) return;
        Instant end = clock.instant();
        ready = true;
        lastUpdated = end;
        if (oldestPending != null && !oldestPending.isAfter(end.minus(took))) oldestPending = null;
    }

    /** A failed sync leaves its work undone: it counts as a queued change from now, if none is older. */
    public void syncFailed() {
        queuedUpdate();
    }

    @Override
    public void syncFinished(SyncReport report) {
        if (report.result().success()) syncSucceeded(report.result().complete(), report.duration());
        else syncFailed();
    }

    public Status status() {
        // Read outside the monitor: the source publishes an immutable list, and its lock is its own.
        List<RejectedFile> rejected = rejectedFiles.get();
        SourceHealth source = sourceHealth.get();
        synchronized (this) {
            Instant now = clock.instant();
            Optional<Instant> last = Optional.ofNullable(lastUpdated);
            boolean live = !ready || oldestPending == null
                    || Duration.between(oldestPending, now).compareTo(healthTimeout) < 0;
            List<RejectedFile> missing = rejected.stream().filter(r -> !r.lastGoodKept()).toList();
            String reason;
            if (datapathFailure != null) reason = "datapath not replaced: " + datapathFailure.object()
                    + datapathFailure.program().map(p -> " (program " + p + ")").orElse("")
                    + " rejected by the verifier; the previous datapath keeps running";
            else if (!live) reason = "a change queued at " + oldestPending + " is not programmed after " + healthTimeout;
            else if (!ready) reason = "initial sync not programmed yet";
            else if (!nodeEligible) reason = "the Node is being deleted";
            else if (!missing.isEmpty()) reason = missingReason(missing);
            else reason = "ok";
            boolean healthy = live && ready && nodeEligible && missing.isEmpty() && datapathFailure == null;
            return new Status(healthy, live, ready, nodeEligible, last, now, reason, rejected, source, unprogrammed,
                    Optional.ofNullable(datapathFailure));
        }
    }

    private static String missingReason(List<RejectedFile> missing) {
        RejectedFile first = missing.getFirst();
        return missing.size() + " file(s) refused, nothing programmed from them; first " + first.file() + " ("
                + first.reason().label() + ": " + first.detail() + ")";
    }
}
