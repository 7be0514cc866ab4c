package dev.senda.reconcile.table;

/**
 * How {@link PhasedWriter} performs the writes of an {@link AppliedTable}. Both modes have the same
 * outcome, write for write (the same entries land, the same failures skip the same groups); they
 * differ in syscalls, which is what a benchmark compares.
 */
public enum WriteMode {
    /** One {@code put} or {@code delete} per write: one syscall each on a kernel map. */
    SINGLE,
    /**
     * Runs of consecutive writes of one kind to one table as one {@code putAll} or {@code deleteAll}:
     * a few {@code BPF_MAP_*_BATCH} syscalls on a kernel map whose type has them. The default.
     */
    BATCHED
}
