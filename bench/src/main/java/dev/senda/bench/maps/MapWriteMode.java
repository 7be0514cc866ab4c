package dev.senda.bench.maps;

import dev.senda.maps.lb.LbMaps;
import dev.senda.reconcile.LbReconciler;

/**
 * How the reconciler writes (and, at a restore, reads) the kernel maps in the maps suite; each
 * constant is one set of rows, its name in the table's case.
 *
 * <p><b>This is the one place batched writes are added</b> (branch {@code batch}): a constant whose
 * {@link #reconciler} gives a reconciler over {@code maps} that writes with
 * {@code BPF_MAP_UPDATE_BATCH} (and reads with the lookup batch), however that branch switches it on.
 */
public enum MapWriteMode {
    /** One {@code bpf_map_update_elem} / {@code bpf_map_delete_elem} per entry: today's path. */
    SINGLE {
        @Override
        public LbReconciler reconciler(LbMaps maps) {
            return new LbReconciler(maps);
        }
    };
    // Branch batch: BATCHED { ... } goes here.

    /** A reconciler over {@code maps} that writes them this way. */
    public abstract LbReconciler reconciler(LbMaps maps);

    /** The name in the table: {@code single}, {@code batched}. */
    public String label() {
        return name().toLowerCase();
    }
}
