package dev.senda.bench.controlplane;

import dev.senda.desired.DesiredStateCalculator;
import dev.senda.maps.lb.LbMaps;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.LbReconciler;

import dev.senda.desired.IncrementalDesiredState;
import dev.senda.model.EndpointSlice;
import dev.senda.model.Service;
import dev.senda.source.ServiceChanges;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ways a sync turns changed objects into map writes that the control-plane benchmark compares
 * ({@code ControlPlaneBenchmarks.oneEndpointChange}, one JMH run per constant, its name in the
 * table's case).
 *
 * <p>A new way to sync is a new constant here; nothing else in the suite changes.
 */
public enum SyncPath {
    /** The full path (first and periodic syncs): the whole desired state recomputed, all of it diffed against the reconciler's mirror. */
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
    },
    /**
     * The agent's path between full syncs: only the Services the change names are recomputed
     * ({@link IncrementalDesiredState#update}) and only their frontends' keys diffed and written
     * ({@link LbReconciler#applyChanges}).
     */
    INCREMENTAL {
        @Override
        public Sync start(LbMaps maps, Snapshot initial, NodeInfo node) {
            IncrementalDesiredState desired = new DesiredStateCalculator().incremental();
            LbReconciler reconciler = new LbReconciler(maps);
            desired.full(initial, node);
            ApplyResult first = reconciler.apply(desired.lbState(), true);
            if (!first.ok()) throw new IllegalStateException("apply failed: " + first.summary());
            // A change set is built once per Change (the benchmark alternates two): building it is
            // the store's work as events arrive, not the sync's.
            Map<Change, ServiceChanges> built = new IdentityHashMap<>();
            return change -> {
                IncrementalDesiredState.Result r = desired.update(built.computeIfAbsent(change, SyncPath::serviceChanges))
                        .orElseThrow(() -> new IllegalStateException("the change needs a full sync"));
                ApplyResult applied = reconciler.applyChanges(r.changes());
                if (!applied.ok()) throw new IllegalStateException("apply failed: " + applied.summary());
                return applied;
            };
        }
    };

    /** The change set the object store would hand a sync for {@code change}. */
    private static ServiceChanges serviceChanges(Change change) {
        Snapshot snapshot = change.snapshot();
        SortedMap<ObjectRef, Optional<EndpointSlice>> slices = new TreeMap<>();
        Set<ObjectRef> dirty = new TreeSet<>(change.changedServices());
        for (ObjectRef ref : change.changedSlices()) {
            EndpointSlice slice = snapshot.endpointSlices().get(ref);
            slices.put(ref, Optional.ofNullable(slice));
            if (slice == null || slice.serviceName() == null) throw new IllegalArgumentException("slice " + ref + " names no Service");
            dirty.add(new ObjectRef(ref.namespace(), slice.serviceName()));
        }
        SortedMap<ObjectRef, Optional<Service>> services = new TreeMap<>();
        Map<ObjectRef, List<EndpointSlice>> slicesOf = new HashMap<>();
        for (ObjectRef ref : dirty) {
            services.put(ref, Optional.ofNullable(snapshot.services().get(ref)));
            slicesOf.put(ref, snapshot.endpointSlices().values().stream()
                    .filter(s -> s.ref().namespace().equals(ref.namespace()) && ref.name().equals(s.serviceName()))
                    .toList());
        }
        return new ServiceChanges(false, false, services, slicesOf, slices, System.nanoTime());
    }

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
