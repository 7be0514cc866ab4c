package dev.senda.bench.controlplane;

import dev.senda.desired.DesiredStateCalculator;
import dev.senda.maps.lb.LbMaps;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.LbReconciler;

import java.util.Set;

/**
 * The ways a sync turns changed objects into map writes that the control-plane benchmark compares
 * ({@code ControlPlaneBenchmarks.oneEndpointChange}, one JMH run per constant, its name in the
 * table's case).
 *
 * <p><b>This is the one place an incremental sync path is added</b> (branch {@code incr}): a new
 * constant whose {@link #start} returns a {@link Sync} that writes only what the objects named in its
 * {@link Change} affect. Nothing else in the suite changes.
 */
public enum SyncPath {
    /** Today's path: the whole desired state recomputed, all of it diffed against the reconciler's mirror. */
    FULL {
        @Override
        public Sync start(LbMaps maps, Snapshot initial, NodeInfo node) {
            DesiredStateCalculator calculator = new DesiredStateCalculator();
            LbReconciler reconciler = new LbReconciler(maps);
            apply(reconciler, calculator, initial, node);
            return change -> apply(reconciler, calculator, change.snapshot(), node);
        }

        private static ApplyResult apply(LbReconciler reconciler, DesiredStateCalculator calculator,
                                         Snapshot snapshot, NodeInfo node) {
            ApplyResult r = reconciler.apply(calculator.calculate(snapshot, node).lb(), true);
            if (!r.ok()) throw new IllegalStateException("apply failed: " + r.summary());
            return r;
        }
    };
    // Branch incr: INCREMENTAL { ... } goes here.

    /**
     * Programs {@code initial} into {@code maps} (not measured) and returns the sync that the
     * benchmark then drives, one {@link Change} per invocation.
     */
    public abstract Sync start(LbMaps maps, Snapshot initial, NodeInfo node);

    /** One sync after a change; returns what it wrote. */
    @FunctionalInterface
    public interface Sync {
        ApplyResult sync(Change change);
    }

    /**
     * A change as a sync sees it.
     *
     * @param snapshot        every object after the change
     * @param changedServices the Services added, updated or deleted since the previous sync
     * @param changedSlices   the EndpointSlices added, updated or deleted since the previous sync
     */
    public record Change(Snapshot snapshot, Set<ObjectRef> changedServices, Set<ObjectRef> changedSlices) {
        public Change {
            changedServices = Set.copyOf(changedServices);
            changedSlices = Set.copyOf(changedSlices);
        }
    }
}
