package dev.senda.bench.maps;

import dev.senda.maps.lb.LbMaps;
import dev.senda.reconcile.LbReconciler;
import dev.senda.reconcile.table.WriteMode;

/**
 * How the reconciler writes the kernel maps in the maps suite ({@link WriteMode}); each constant is
 * one set of rows, its name in the table's case. A restore reads with {@code BPF_MAP_LOOKUP_BATCH}
 * in both (the typed maps' {@code entries()}), so its rows differ only by the run.
 */
public enum MapWriteMode {
    /** One {@code bpf_map_update_elem} / {@code bpf_map_delete_elem} per entry. */
    SINGLE {
        @Override
        public LbReconciler reconciler(LbMaps maps) {
            LbReconciler reconciler = new LbReconciler(maps);
            reconciler.writeMode(WriteMode.SINGLE);
            return reconciler;
        }
    },
    /** Runs of writes to one table as one {@code BPF_MAP_UPDATE_BATCH} / {@code BPF_MAP_DELETE_BATCH}: the agent's path. */
    BATCHED {
        @Override
        public LbReconciler reconciler(LbMaps maps) {
            LbReconciler reconciler = new LbReconciler(maps);
            reconciler.writeMode(WriteMode.BATCHED);
            return reconciler;
        }
    };

    /** A reconciler over {@code maps} that writes them this way. */
    public abstract LbReconciler reconciler(LbMaps maps);

    /** The name in the table: {@code single}, {@code batched}. */
    public String label() {
        return name().toLowerCase();
    }
}
