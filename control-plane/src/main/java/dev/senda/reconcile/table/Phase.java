package dev.senda.reconcile.table;

import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * One step of an apply: the puts or the deletes of one table that a predicate selects. A list of
 * phases is a write order; {@link PhasedWriter} runs it.
 *
 * <h2>Groups</h2>
 * Each write belongs to a group (a frontend, say: its slots, reverse NAT and header). When a write
 * fails, the later writes of its group are skipped in this apply, so a dependent entry (a header
 * counting slots that failed) is never written over a missing one. A write whose group is
 * {@link #FATAL} aborts the whole apply when it fails: everything depends on it.
 *
 * <h2>Requirements</h2>
 * A write may also require another group: it is skipped (and its own group with it) when a write of
 * that group failed in this apply. A service slot requires its backend's group, so a backend that
 * does not fit (a full map) holds back exactly the frontends that would point at it, and no other.
 *
 * @param name    for logs and errors ("backends", "service slots", ...)
 * @param table   the table written
 * @param kind    puts, deletes that update something still desired, or prunes
 * @param selects which entries of the table this phase handles: (key, desired entries of the table)
 * @param group   the group of a write: (key, value) where the value is the desired one for a put and
 *                the applied one for a delete
 * @param requires the group a write needs to have succeeded (null: none), same arguments
 */
public record Phase<K extends Comparable<? super K>, V>(String name, AppliedTable<K, V> table, Kind kind,
                                                         BiPredicate<K, Map<K, V>> selects,
                                                         BiFunction<K, V, Object> group,
                                                         BiFunction<K, V, Object> requires) implements Step {
    /** The group of writes whose failure ends the apply. */
    public static final Object FATAL = new Object() {
        @Override
        public String toString() {
            return "FATAL";
        }
    };

    /** What a phase does with the entries it selects. */
    public enum Kind {
        /** Writes desired entries that differ from the applied ones. */
        PUT,
        /**
         * Deletes applied entries that are not desired but belong to something that still is (surplus
         * slots of a shrunk frontend): done whether or not pruning is allowed.
         */
        DELETE,
        /**
         * Deletes applied entries nothing desires: only when pruning is allowed (every source synced).
         * Not held back by failures of other groups: a removal never waits for an addition, so a
         * full map gets room back from what was deleted even while some additions fail. Whether a
         * removal is safe while other writes failed is the phase's {@code selects} to say (a backend
         * is pruned only once no applied slot points at it).
         */
        PRUNE
    }

    public Phase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(selects, "selects");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(requires, "requires");
    }

    /** A phase whose writes require no other group. */
    public Phase(String name, AppliedTable<K, V> table, Kind kind, BiPredicate<K, Map<K, V>> selects,
                 BiFunction<K, V, Object> group) {
        this(name, table, kind, selects, group, (k, v) -> null);
    }
}
