package dev.senda.agent;

import dev.senda.desired.DesiredState;
import dev.senda.desired.DesiredStateCalculator;
import dev.senda.desired.Rejection;
import dev.senda.model.NodeInfo;
import dev.senda.model.Snapshot;
import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.LbReconciler;
import dev.senda.reconcile.SyncReason;
import dev.senda.reconcile.SyncResult;
import dev.senda.reconcile.SyncRunner;
import dev.senda.source.ObjectStore;
import dev.senda.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One sync of Services: store snapshot -> desired state -> reconciler -> maps. Runs on the
 * {@link SyncRunner}'s thread only.
 *
 * <p>A periodic sync first re-reads the maps, so drift from outside is repaired within one resync interval.
 *
 * <p>Nothing is written before the source has synced (as kube-proxy does): a restart with a
 * half-filled informer cache must not tear down or empty working Services. What the pinned maps hold
 * keeps forwarding meanwhile.
 * Each rejection is logged once, when it first appears, naming the object and the reason.
 *
 * <p>After each complete successful sync it tells {@link Metrics} what changed since the last one and
 * how long the slices' trigger times took to be programmed ({@link ProgrammedChanges}).
 */
final class ServiceSync implements SyncRunner.SyncFunction {
    private static final Logger log = LoggerFactory.getLogger(ServiceSync.class);

    private final ObjectStore store;
    private final Source source;
    private final DesiredStateCalculator calculator;
    private final NodeInfo node;
    private final LbReconciler reconciler;
    private final Metrics metrics;
    private final InstantSource clock;
    private final ProgrammedChanges changes;
    private Set<Rejection> reportedRejections = Set.of();

    ServiceSync(ObjectStore store, Source source, DesiredStateCalculator calculator, NodeInfo node,
                LbReconciler reconciler, Metrics metrics) {
        this(store, source, calculator, node, reconciler, metrics, InstantSource.system());
    }

    /** @param clock ends syncs for the network-programming latency; its time at construction is the agent's start */
    ServiceSync(ObjectStore store, Source source, DesiredStateCalculator calculator, NodeInfo node,
                LbReconciler reconciler, Metrics metrics, InstantSource clock) {
        this.clock = clock;
        this.changes = new ProgrammedChanges(clock.instant());
        this.store = store;
        this.source = source;
        this.calculator = calculator;
        this.node = node;
        this.reconciler = reconciler;
        this.metrics = metrics;
    }

    @Override
    public SyncResult sync(SyncReason reason) {
        if (reason == SyncReason.PERIODIC) {
            // Re-read the maps so an entry changed behind our back (bpftool, a crashed writer) is repaired.
            reconciler.restore();
        }
        if (!source.hasSynced()) {
            // A half-filled cache (Services before their EndpointSlices, or no RBAC for one kind) would
            // program working Services with zero backends: touch nothing until the source is complete.
            return SyncResult.success(false);
        }
        Snapshot snapshot = store.snapshot();
        DesiredState desired = calculator.calculate(snapshot, node);
        reportRejections(desired.rejections());
        ApplyResult result = reconciler.apply(desired.lb(), true);
        metrics.recordApply(result);
        metrics.setRejectedObjects((int) desired.rejections().stream().map(r -> r.kind() + " " + r.object()).distinct().count());
        if (!result.ok()) {
            return SyncResult.failure(result.summary());
        }
        ProgrammedChanges.Delta delta = changes.programmed(snapshot, clock.instant());
        metrics.recordChanges(delta.services(), delta.endpointSlices());
        delta.latencies().forEach(metrics::observeNetworkProgramming);
        if (result.writes() > 0) {
            log.info("programmed {} frontends of {} services with {} backends ({} map writes, reason {})",
                    result.frontends(), result.services(), result.backends(), result.writes(), reason);
        }
        return SyncResult.success(true);
    }

    private void reportRejections(List<Rejection> rejections) {
        Set<Rejection> now = new HashSet<>(rejections);
        for (Rejection r : rejections) {
            if (!reportedRejections.contains(r)) log.warn("rejected {}", r);
        }
        reportedRejections = now;
    }
}
