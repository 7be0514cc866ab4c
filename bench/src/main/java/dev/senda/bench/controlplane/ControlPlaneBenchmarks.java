package dev.senda.bench.controlplane;

import dev.senda.bench.Workload;
import dev.senda.desired.DesiredState;
import dev.senda.desired.DesiredStateCalculator;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.LbMaps;
import dev.senda.model.Snapshot;
import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.LbReconciler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The control plane's pure work under JMH, on in-memory tables ({@code InMemoryTypedMap}): no
 * kernel, so these figures are the Java side alone. The sizes and the sync paths are JMH parameters
 * that {@link ControlPlaneSuite} sets; the defaults here only make the class runnable by itself.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ControlPlaneBenchmarks {

    /** The objects and their desired state, computed once per trial. */
    @State(Scope.Benchmark)
    public static class Cluster {
        @Param({"100"})
        public int services;

        Workload workload;
        Snapshot snapshot;
        LbState desired;
        final DesiredStateCalculator calculator = new DesiredStateCalculator();

        @Setup(Level.Trial)
        public void build() {
            workload = new Workload(services);
            snapshot = workload.snapshot();
            desired = calculator.calculate(snapshot, Workload.NODE).lb();
        }
    }

    /** A reconciler over empty tables, new for every invocation: a cold sync. */
    @State(Scope.Thread)
    public static class Empty {
        LbReconciler reconciler;

        @Setup(Level.Invocation)
        public void fresh() {
            reconciler = new LbReconciler(LbMaps.inMemory());
        }
    }

    /** A reconciler whose tables already hold the cluster: every apply of the same state is a pure diff. */
    @State(Scope.Thread)
    public static class Programmed {
        LbReconciler reconciler;

        @Setup(Level.Trial)
        public void program(Cluster cluster) {
            reconciler = new LbReconciler(LbMaps.inMemory());
            check(reconciler.apply(cluster.desired, true));
        }
    }

    /**
     * A programmed cluster in which one endpoint of the last Service moves back and forth, synced by
     * each {@link SyncPath}.
     */
    @State(Scope.Thread)
    public static class Changing {
        @Param({"FULL", "INCREMENTAL"})
        public String path;

        SyncPath.Sync sync;
        SyncPath.Change[] changes;
        int next;

        @Setup(Level.Trial)
        public void program(Cluster cluster) {
            Set<dev.senda.model.ObjectRef> slice = Set.of(Workload.sliceRef(cluster.services - 1));
            changes = new SyncPath.Change[] {
                    new SyncPath.Change(cluster.workload.withOneEndpointMoved(), Set.of(), slice),
                    new SyncPath.Change(cluster.snapshot, Set.of(), slice)};
            sync = SyncPath.valueOf(path).start(LbMaps.inMemory(), cluster.snapshot, Workload.NODE);
        }
    }

    /** Desired state of the whole cluster from its objects. */
    @Benchmark
    public DesiredState desiredState(Cluster cluster) {
        return cluster.calculator.calculate(cluster.snapshot, Workload.NODE);
    }

    /** The reconciler writing the whole desired state into empty tables (ids, encoding, phases). */
    @Benchmark
    public ApplyResult applyCold(Cluster cluster, Empty empty) {
        return check(empty.reconciler.apply(cluster.desired, true));
    }

    /** The reconciler diffing the whole desired state against tables that already hold it (no write). */
    @Benchmark
    public ApplyResult applyNoChange(Cluster cluster, Programmed programmed) {
        ApplyResult r = check(programmed.reconciler.apply(cluster.desired, true));
        if (r.writes() != 0) throw new IllegalStateException("a no-change apply wrote " + r.writes());
        return r;
    }

    /** One endpoint moved: from the changed objects to the tables written, by the sync path under test. */
    @Benchmark
    public ApplyResult oneEndpointChange(Changing changing) {
        ApplyResult r = changing.sync.sync(changing.changes[changing.next]);
        changing.next ^= 1;
        if (r.writes() == 0) throw new IllegalStateException("an endpoint change wrote nothing");
        return r;
    }

    private static ApplyResult check(ApplyResult r) {
        if (!r.ok()) throw new IllegalStateException("apply failed: " + r.summary());
        return r;
    }
}
