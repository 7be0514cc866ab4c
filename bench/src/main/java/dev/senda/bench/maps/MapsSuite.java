package dev.senda.bench.maps;

import dev.senda.bench.ScratchObject;
import dev.senda.bench.Stats;
import dev.senda.bench.Workload;
import dev.senda.bench.api.BenchMode;
import dev.senda.bench.api.BenchSuite;
import dev.senda.bench.api.Row;
import dev.senda.datapath.DatapathLayout;
import dev.senda.desired.DesiredStateCalculator;
import dev.senda.desired.LbState;
import dev.senda.maps.features.Capabilities;
import dev.senda.maps.size.MapSizeSetting;
import dev.senda.model.Snapshot;
import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.LbReconciler;
import dev.senda.reconcile.RestoreResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The control plane against real kernel maps, at the control-plane suite's sizes (1k / 10k / 100k
 * endpoints), for each {@link MapWriteMode}:
 * <ul>
 *   <li><b>cold sync</b>: an agent's first sync into empty maps: desired state computed from the
 *   objects, then every entry written (rows: the whole, the writes alone, and per entry written);</li>
 *   <li><b>restore</b>: an agent restarted over those maps: a new reconciler reads them back
 *   ({@link LbReconciler#restore()}), then applies the same desired state, which must write nothing
 *   (rows: the restore, the resync after it).</li>
 * </ul>
 * The maps are the datapath's own ({@code senda_tc.o}'s, programs not loaded), pinned under a
 * scratch {@code /sys/fs/bpf/sd<hex>} directory and sized to hold the cluster; every repetition gets
 * new maps. Times are the median of the repetitions (3 in full mode, 1 in short).
 */
public final class MapsSuite implements BenchSuite {
    public static final String NAME = "maps";

    @Override
    public String name() {
        return NAME;
    }

    static int[] sizes(BenchMode mode) {
        return mode == BenchMode.FULL ? new int[] {100, 1_000, 10_000} : new int[] {10};
    }

    @Override
    public List<Row> run(BenchMode mode) {
        Capabilities.ofThisProcess().requireForDatapath("the maps benchmark (it creates BPF maps)");
        int repetitions = mode == BenchMode.FULL ? 3 : 1;
        List<Row> rows = new ArrayList<>();
        DesiredStateCalculator calculator = new DesiredStateCalculator();
        for (MapWriteMode writeMode : MapWriteMode.values()) {
            for (int services : sizes(mode)) {
                Workload workload = new Workload(services);
                Snapshot snapshot = workload.snapshot();
                List<Double> cold = new ArrayList<>(), writes = new ArrayList<>(), restore = new ArrayList<>(),
                        resync = new ArrayList<>();
                int entries = 0;
                for (int rep = 0; rep < repetitions; rep++) {
                    try (ScratchObject maps = ScratchObject.load(DatapathLayout.TC_OBJECT, false, sizes(workload))) {
                        LbReconciler reconciler = writeMode.reconciler(maps.lbMaps());
                        long t0 = System.nanoTime();
                        LbState desired = calculator.calculate(snapshot, Workload.NODE).lb();
                        long t1 = System.nanoTime();
                        ApplyResult applied = check(reconciler.apply(desired, true));
                        long t2 = System.nanoTime();
                        entries = applied.writes();
                        cold.add(ms(t2 - t0));
                        writes.add(ms(t2 - t1));

                        LbReconciler restarted = writeMode.reconciler(maps.lbMaps());
                        long t3 = System.nanoTime();
                        RestoreResult restored = restarted.restore();
                        long t4 = System.nanoTime();
                        ApplyResult again = check(restarted.apply(desired, true));
                        long t5 = System.nanoTime();
                        if (again.writes() != 0) {
                            throw new IllegalStateException("the apply after a restore wrote " + again.writes()
                                    + " entries (" + restored + ")");
                        }
                        restore.add(ms(t4 - t3));
                        resync.add(ms(t5 - t4));
                    }
                }
                String size = String.format("%,d endpoints", workload.endpoints());
                String mode0 = writeMode.label() + " writes";
                String coldCase = "cold sync, " + mode0 + ", " + size;
                rows.add(new Row(NAME, coldCase, "total", Stats.median(cold), "ms"));
                rows.add(new Row(NAME, coldCase, "map writes", Stats.median(writes), "ms"));
                rows.add(new Row(NAME, coldCase, "entries written", entries, "entries"));
                rows.add(new Row(NAME, coldCase, "per entry", Stats.median(writes) * 1000.0 / entries, "us"));
                String restoreCase = "restore, " + mode0 + ", " + size;
                rows.add(new Row(NAME, restoreCase, "read back", Stats.median(restore), "ms"));
                rows.add(new Row(NAME, restoreCase, "resync after it", Stats.median(resync), "ms"));
            }
        }
        return rows;
    }

    /** Sizes of the LB tables that hold the workload (the node's default map sizes would too, but need not). */
    static Map<MapSizeSetting, Integer> sizes(Workload w) {
        long frontends = w.services();
        return Map.of(MapSizeSetting.SERVICES, ScratchObject.sizeFor(frontends + w.endpoints(), 1024),
                MapSizeSetting.BACKENDS, ScratchObject.sizeFor(w.endpoints(), 1024),
                MapSizeSetting.REVERSE_NAT, ScratchObject.sizeFor(frontends, 1024));
    }

    private static ApplyResult check(ApplyResult r) {
        if (!r.ok()) throw new IllegalStateException("apply failed: " + r.summary());
        return r;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
