package dev.senda.agent;

import dev.senda.desired.DesiredState;
import dev.senda.desired.DesiredStateCalculator;
import dev.senda.desired.IncrementalDesiredState;
import dev.senda.desired.LbState;
import dev.senda.desired.Rejection;
import dev.senda.model.Node;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.LbReconciler;
import dev.senda.reconcile.SyncReason;
import dev.senda.reconcile.SyncResult;
import dev.senda.reconcile.SyncRunner;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import dev.senda.source.ServiceChanges;
import dev.senda.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One sync of Services: store snapshot -> desired state -> reconciler -> maps. Runs on the
 * {@link SyncRunner}'s thread only.
 *
 * <p>Incremental syncs: the store's {@link ServiceChanges} name the Services a change touched; when
 * the last sync succeeded completely, only those are recomputed ({@link IncrementalDesiredState#update})
 * and only their frontends' entries diffed and written ({@link LbReconciler#applyChanges}), at a cost
 * that does not grow with the cluster. Full syncs (the whole store recomputed, whole tables diffed):
 * the first one, every periodic one, the one after a failure, and whenever the change set or the
 * calculation asks for it (a Node change, two Services claiming one frontend). NetworkPolicy is
 * compiled and applied in an incremental sync only when Pods, Namespaces or NetworkPolicies changed,
 * or its last apply failed. {@code senda_change_to_map_seconds} times each sync's first change from
 * reaching the store to the end of the map writes.
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
 *
 * <p>The node desired state sees ({@link NodeInfo}) is built at every sync from this node's own Node
 * object in the same snapshot, so it is always consistent with the Services it is combined with.
 * Without that object (not created yet, no RBAC on nodes, a directory without it) desired state
 * still programs cluster, load-balancer and external IPs; node ports wait for the Node's addresses.
 * Whether the Node is there is logged once per change.
 *
 * <p>Given inputs to {@link #programUntilSynced start from} (the snapshot after a reboot), the syncs
 * before the source has synced program those instead of nothing, without pruning and without telling
 * the applied listeners (no change is being programmed); the first sync after the source has synced
 * forgets them and reconciles to the source's state as usual, pruning what it no longer has. Such a
 * sync reports success but not completeness, so health stays not ready until the source has synced.
 */
final class ServiceSync implements SyncRunner.SyncFunction {
    private static final Logger log = LoggerFactory.getLogger(ServiceSync.class);

    private final ObjectStore store;
    private final Source source;
    private final DesiredStateCalculator calculator;
    /**
     * The memo incremental syncs continue from; rebuilt by every full sync. Replaced once, by the memo of
     * the desired state computed ahead when the first full sync adopts it.
     */
    private IncrementalDesiredState incremental;
    /** The first full desired state computed ahead; null once the first full sync took it (or none). */
    private DesiredAhead ahead;
    /** Whether the next sync must be full: the first, after a failure, after a periodic restore. */
    private boolean needsFull = true;
    /** Whether the last NetworkPolicy apply failed (an incremental sync then applies it again). */
    private boolean policyDirty;
    private final String nodeName;
    private NodeInfo lastNode;
    private final LbReconciler reconciler;
    private final Metrics metrics;
    private final InstantSource clock;
    private final ProgrammedChanges changes;
    /** {@link ServiceChanges#firstChangeNanos()} of the earliest change taken but not yet written by a successful sync; 0: none. */
    private long unobservedChangeNanos;
    private Set<Rejection> reportedRejections = Set.of();
    private java.util.function.Consumer<NodeInfo> nodeListener = n -> { };
    private java.util.function.Consumer<dev.senda.desired.HealthChecks> healthCheckListener = h -> { };
    private java.util.function.Consumer<dev.senda.desired.LbState> appliedListener = s -> { };
    /** Whether anyone listens: the whole state a listener reads costs a copy of every frontend. */
    private boolean hasAppliedListeners;
    /** Programmed while the source has not synced; null when none or once it has. */
    private Snapshot startInputs;
    private boolean startInputsProgrammed;

    /** NetworkPolicy, applied beside the LB state when the datapath has its maps (null: none). */
    private PolicySync policy;

    private java.util.function.Consumer<ApplyResult.Unprogrammed> unprogrammedListener = u -> { };
    private ApplyResult.Unprogrammed reportedUnprogrammed = ApplyResult.Unprogrammed.NONE;

    ServiceSync(ObjectStore store, Source source, DesiredStateCalculator calculator, String nodeName,
                LbReconciler reconciler, Metrics metrics) {
        this(store, source, calculator, nodeName, reconciler, metrics, InstantSource.system());
    }

    /** @param clock ends syncs for the network-programming latency; its time at construction is the agent's start */
    ServiceSync(ObjectStore store, Source source, DesiredStateCalculator calculator, String nodeName,
                LbReconciler reconciler, Metrics metrics, InstantSource clock) {
        this(store, source, calculator, null, nodeName, reconciler, metrics, clock);
    }

    /** @param ahead the first full desired state, computed ahead, or null: the first sync computes it */
    ServiceSync(ObjectStore store, Source source, DesiredStateCalculator calculator, DesiredAhead ahead,
                String nodeName, LbReconciler reconciler, Metrics metrics, InstantSource clock) {
        this.clock = clock;
        this.changes = new ProgrammedChanges(clock.instant());
        this.store = store;
        this.source = source;
        this.calculator = calculator;
        this.ahead = ahead;
        this.incremental = calculator.incremental();
        this.nodeName = nodeName;
        this.reconciler = reconciler;
        this.metrics = metrics;
    }

    @Override
    public SyncResult sync(SyncReason reason) {
        if (reason == SyncReason.PERIODIC) {
            // Re-read the maps so an entry changed behind our back (bpftool, a crashed writer) is repaired.
            reconciler.restore();
            if (policy != null) policy.restore();
            needsFull = true;
        }
        if (!source.hasSynced()) {
            // A half-filled cache (Services before their EndpointSlices, or no RBAC for one kind) would
            // program working Services with zero backends: touch nothing until the source is complete.
            needsFull = true;
            return startInputs == null ? SyncResult.success(false) : programStartInputs(reason);
        }
        startInputs = null;
        // Taken before anything is read: a change arriving meanwhile is in the next change set too.
        ServiceChanges changes = store.takeChanges();
        if (unobservedChangeNanos == 0) unobservedChangeNanos = changes.firstChangeNanos();
        boolean full = needsFull || !reconciler.canApplyChanges();
        needsFull = true; // until this sync succeeds completely
        if (!full) {
            Optional<IncrementalDesiredState.Result> r = incremental.update(changes);
            if (r.isPresent()) return syncIncrementally(reason, changes, r.get());
        }
        return syncFully(reason, changes);
    }

    /** Everything from a snapshot of the store: desired state, a diff over whole tables, every listener. */
    private SyncResult syncFully(SyncReason reason, ServiceChanges changes) {
        Optional<DesiredAhead.Computed> early = ahead == null ? Optional.empty() : ahead.take(store.generation());
        ahead = null;
        Snapshot snapshot;
        NodeInfo node;
        IncrementalDesiredState.Result desired;
        LbState lb;
        if (early.isPresent()) {
            incremental = early.get().memo();
            snapshot = early.get().snapshot();
            node = early.get().node();
            desired = early.get().result();
            lb = early.get().lb();
        } else {
            snapshot = store.snapshot();
            node = NodeInfo.of(nodeName, snapshot.all(Kinds.NODE).get(new ObjectRef("", nodeName)));
            desired = incremental.full(snapshot, node);
            lb = incremental.lbState();
        }
        reportNode(node);
        reportRejections(desired.rejections());
        healthCheckListener.accept(desired.healthChecks());
        dev.senda.reconcile.PolicyApplyResult policyResult = policy == null ? null : policy.sync(snapshot);
        ApplyResult result = reconciler.apply(lb, true);
        long writtenAt = System.nanoTime();
        SyncResult failed = afterApply(result, desired.rejections(), policyResult);
        if (failed != null) return failed;
        observeChangeToMap(writtenAt, false);
        finish(c -> c.programmed(snapshot, clock.instant()), result, reason);
        appliedListener.accept(lb);
        return SyncResult.success(true);
    }

    /**
     * Only what {@code changes} touched: the dirty Services' frontends written, the rest of the maps
     * left alone; NetworkPolicy compiled only when its inputs changed (or its last apply failed).
     */
    private SyncResult syncIncrementally(SyncReason reason, ServiceChanges changes, IncrementalDesiredState.Result desired) {
        reportRejections(desired.rejections());
        healthCheckListener.accept(desired.healthChecks());
        dev.senda.reconcile.PolicyApplyResult policyResult = null;
        if (policy != null && (changes.policyChanged() || policyDirty)) {
            policyResult = policy.sync(store.snapshotOf(List.of(Kinds.POD, Kinds.NAMESPACE, Kinds.NETWORK_POLICY)));
        }
        ApplyResult result = reconciler.applyChanges(desired.changes());
        long writtenAt = System.nanoTime();
        SyncResult failed = afterApply(result, desired.rejections(), policyResult);
        if (failed != null) return failed;
        observeChangeToMap(writtenAt, true);
        finish(changes.services().isEmpty() && changes.slices().isEmpty() ? null
                : c -> c.programmed(changes, clock.instant()), result, reason);
        // listeners read the whole state: after the programming latency, and only when something changed
        if (!desired.changes().isEmpty() && hasAppliedListeners) appliedListener.accept(incremental.lbState());
        return SyncResult.success(true);
    }

    /** Metrics and logs of an apply; the failure to return, or null when everything landed. */
    private SyncResult afterApply(ApplyResult result, List<Rejection> rejections,
                                  dev.senda.reconcile.PolicyApplyResult policyResult) {
        metrics.recordApply(result);
        metrics.setRejectedObjects((int) rejections.stream().map(r -> r.kind() + " " + r.object()).distinct().count());
        reportUnprogrammed(result);
        if (policyResult != null) policyDirty = !policyResult.ok();
        if (!result.ok()) {
            return SyncResult.failure(result.unprogrammed().count() == 0 ? result.summary()
                    : result.unprogrammed().count() + " frontends not programmed; " + result.summary());
        }
        if (policyResult != null && !policyResult.ok()) {
            return SyncResult.failure(policyResult.summary());
        }
        return null;
    }

    /** A successful complete sync: change counts, trigger-time latencies, the log line. */
    private void finish(java.util.function.Function<ProgrammedChanges, ProgrammedChanges.Delta> programmed,
                        ApplyResult result, SyncReason reason) {
        needsFull = false;
        if (programmed != null) {
            ProgrammedChanges.Delta delta = programmed.apply(this.changes);
            metrics.recordChanges(delta.services(), delta.endpointSlices());
            delta.latencies().forEach(metrics::observeNetworkProgramming);
        }
        if (result.writes() > 0) {
            log.info("programmed {} frontends of {} services with {} backends ({} map writes, reason {})",
                    result.frontends(), result.services(), result.backends(), result.writes(), reason);
        }
    }

    /**
     * Observes "event received to map written" from the earliest change no successful sync has written
     * yet: the changes a failed sync took are written by a later one, and their wait counts.
     */
    private void observeChangeToMap(long writtenAt, boolean incrementally) {
        if (unobservedChangeNanos != 0) {
            metrics.observeChangeToMap(java.time.Duration.ofNanos(writtenAt - unobservedChangeNanos), incrementally);
            unobservedChangeNanos = 0;
        }
    }

    /** Programs {@link #startInputs}, never pruning: the maps may hold nothing the inputs lack, or more. */
    private SyncResult programStartInputs(SyncReason reason) {
        NodeInfo node = NodeInfo.of(nodeName, startInputs.all(Kinds.NODE).get(new ObjectRef("", nodeName)));
        reportNode(node);
        DesiredState desired = calculator.calculate(startInputs, node);
        reportRejections(desired.rejections());
        healthCheckListener.accept(desired.healthChecks());
        ApplyResult result = reconciler.apply(desired.lb(), false);
        metrics.recordApply(result);
        if (!result.ok()) return SyncResult.failure("programming the start inputs: " + result.summary());
        if (!startInputsProgrammed) {
            startInputsProgrammed = true;
            log.info("programmed {} frontends of {} services with {} backends from the start inputs ({} map writes, reason {}); "
                    + "waiting for the source", result.frontends(), result.services(), result.backends(), result.writes(), reason);
        }
        return SyncResult.success(false);
    }

    /**
     * Inputs to program while the source has not synced yet (the snapshot of the last applied inputs,
     * after a reboot), instead of nothing. Call before the runner starts.
     */
    void programUntilSynced(Snapshot inputs) {
        this.startInputs = java.util.Objects.requireNonNull(inputs, "inputs");
    }

    /** Enforces NetworkPolicy too: each sync compiles the snapshot's policies and applies them. */
    /** For tests: the memo incremental syncs continue from now. */
    IncrementalDesiredState memo() {
        return incremental;
    }

    void withPolicy(PolicySync policy) {
        this.policy = policy;
    }

    /** Tells {@code listener} this node's view at every change of it (health follows the Node's deletion). */
    void onNode(java.util.function.Consumer<NodeInfo> listener) {
        this.nodeListener = listener;
    }

    /** Tells {@code listener} the health-check node ports wanted, at every sync (their counts change). */
    void onHealthChecks(java.util.function.Consumer<dev.senda.desired.HealthChecks> listener) {
        this.healthCheckListener = listener;
    }

    /**
     * Tells {@code listener} what the maps hold after each successful complete apply (backends that left
     * act on it), after the listeners added before it.
     */
    void onApplied(java.util.function.Consumer<dev.senda.desired.LbState> listener) {
        this.appliedListener = this.appliedListener.andThen(listener);
        this.hasAppliedListeners = true;
    }

    /** Tells {@code listener} the desired frontends not programmed, after every apply (health shows them). */
    void onUnprogrammed(java.util.function.Consumer<ApplyResult.Unprogrammed> listener) {
        this.unprogrammedListener = listener;
    }

    /**
     * One line when the frontends that do not fit change (a count, the first few names, the first
     * failure's reason), one when every frontend fits again; nothing while a retry finds the same.
     */
    private void reportUnprogrammed(ApplyResult result) {
        ApplyResult.Unprogrammed now = result.unprogrammed();
        unprogrammedListener.accept(now);
        if (now.equals(reportedUnprogrammed)) return;
        ApplyResult.Unprogrammed before = reportedUnprogrammed;
        reportedUnprogrammed = now;
        if (now.count() == 0) {
            log.info("every desired frontend is programmed again ({} were not)", before.count());
        } else {
            log.warn("{}; first failure: {}", now.summary(),
                    result.errors().isEmpty() ? "(none)" : result.errors().getFirst());
        }
    }

    private void reportNode(NodeInfo node) {
        NodeInfo last = lastNode;
        lastNode = node;
        if (last != null && last.equals(node)) return;
        nodeListener.accept(node);
        if (!node.seen()) {
            log.warn("Node {} not found: no node-port frontends until it appears (cluster, load-balancer and "
                    + "external IPs are programmed)", nodeName);
        } else {
            log.info("Node {}: zone {}, primary addresses {}, all addresses {}{}", nodeName,
                    node.zone() == null ? "(none)" : node.zone(), node.primaryAddresses(), node.allAddresses(),
                    node.deleting() ? ", being deleted" : "");
        }
    }

    private void reportRejections(List<Rejection> rejections) {
        Set<Rejection> now = new HashSet<>(rejections);
        for (Rejection r : rejections) {
            if (!reportedRejections.contains(r)) log.warn("rejected {}", r);
        }
        reportedRejections = now;
    }
}
