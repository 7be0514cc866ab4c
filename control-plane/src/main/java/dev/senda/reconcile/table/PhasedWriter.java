package dev.senda.reconcile.table;

import dev.senda.maps.table.MapWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Makes tables hold their desired entries by running {@link Phase}s in order, writing only entries
 * that differ from the applied mirror. Generic over tables: a new map is a new {@link AppliedTable}
 * and its phases in a write order, nothing here.
 *
 * <p>Failures: a failed write is reported (the map, the key, the kernel's reason) and skips the rest
 * of its group and every write that {@link Phase#requires() requires} its group; a failed write of the
 * {@link Phase#FATAL} group ends the apply. Prunes run whenever allowed, failures of other groups
 * notwithstanding: were they to wait for an error-free apply, a full map would never get back the room
 * its deleted entries hold, and the additions that failed for lack of room would never succeed (a
 * deadlock seen with 7,000 Services in a 65,536-entry map). Every write is an upsert or an idempotent
 * delete, so the next apply retries exactly what is missing.
 *
 * <p>Reports are bounded: the {@link Outcome} counts every failed write but keeps the lines of the
 * first {@link #KEPT_ERRORS} only, so a map that refuses 100,000 entries costs neither megabytes of
 * memory nor megabytes of log.
 */
public final class PhasedWriter {
    private static final Logger LOG = LoggerFactory.getLogger(PhasedWriter.class);

    /** How many failure lines an {@link Outcome} keeps; the rest are counted. */
    public static final int KEPT_ERRORS = 10;

    /**
     * What one apply did.
     *
     * @param writes   writes and deletes that succeeded
     * @param failures writes and deletes that failed (skipped ones are not counted)
     * @param errors   the first {@link #KEPT_ERRORS} failures, one line each
     */
    public record Outcome(int writes, int failures, List<String> errors) {
        public Outcome {
            errors = List.copyOf(errors);
            if (errors.size() > failures) throw new IllegalArgumentException("more error lines than failures");
        }
    }

    /**
     * Desired entries per table for one apply: every entry the table should hold, or, with a scope, the
     * entries it should hold among the scope's keys (an incremental apply): then only those keys are
     * diffed, put or deleted, and every other entry of the table is left as it is.
     */
    public static final class Desired {
        private final Map<AppliedTable<?, ?>, Map<?, ?>> entries = new java.util.IdentityHashMap<>();
        private final Map<AppliedTable<?, ?>, java.util.Collection<?>> scopes = new java.util.IdentityHashMap<>();

        public <K extends Comparable<? super K>, V> Desired with(AppliedTable<K, V> table, Map<K, V> wanted) {
            entries.put(table, Objects.requireNonNull(wanted, "wanted"));
            return this;
        }

        /**
         * Only the keys of {@code scope} are looked at in {@code table}: those in {@code wanted} are put
         * where they differ, the others deleted where the table has them (phases' predicates still
         * apply). {@code wanted} holds the desired entries among the scope, and whatever else the write
         * order's predicates ask about (a slot's header).
         */
        public <K extends Comparable<? super K>, V> Desired with(AppliedTable<K, V> table, Map<K, V> wanted,
                                                                java.util.Collection<K> scope) {
            entries.put(table, Objects.requireNonNull(wanted, "wanted"));
            scopes.put(table, new java.util.TreeSet<>(scope));
            return this;
        }

        @SuppressWarnings("unchecked")
        <K extends Comparable<? super K>> java.util.SortedSet<K> scope(AppliedTable<K, ?> table) {
            return (java.util.SortedSet<K>) scopes.get(table);
        }

        @SuppressWarnings("unchecked")
        <K extends Comparable<? super K>, V> Map<K, V> of(AppliedTable<K, V> table) {
            Map<K, V> wanted = (Map<K, V>) entries.get(table);
            if (wanted == null) throw new IllegalStateException("no desired entries given for table " + table.name());
            return wanted;
        }
    }

    private PhasedWriter() {
    }

    /**
     * Runs {@code steps} in order against {@code desired}.
     *
     * @param pruneAllowed whether {@link Phase.Kind#PRUNE} phases may run
     */
    public static Outcome apply(List<? extends Step> steps, Desired desired, boolean pruneAllowed) {
        Run run = new Run();
        for (Step step : steps) {
            if (run.fatal) break;
            switch (step) {
                case Phase<?, ?> phase -> {
                    if (phase.kind() == Phase.Kind.PRUNE && !pruneAllowed) continue;
                    List<Write> writes = new ArrayList<>();
                    collect(phase, desired, writes);
                    run.all(writes);
                }
                case Step.Interleaved interleaved -> {
                    // Bucket every write by group, groups in order of first appearance, each group's
                    // writes in phase order: then one group is complete before the next one starts.
                    Map<Object, List<Write>> byGroup = new LinkedHashMap<>();
                    for (Phase<?, ?> phase : interleaved.phases()) {
                        if (phase.kind() == Phase.Kind.PRUNE && !pruneAllowed) continue;
                        List<Write> writes = new ArrayList<>();
                        collect(phase, desired, writes);
                        for (Write w : writes) byGroup.computeIfAbsent(w.group(), g -> new ArrayList<>()).add(w);
                    }
                    for (List<Write> group : byGroup.values()) {
                        // A group missing something it requires writes nothing at all (no slot left
                        // behind without its header to take room in a full map).
                        if (group.stream().anyMatch(w -> run.skips(w.group(), w.requires()))) continue;
                        if (!run.all(group)) break;
                    }
                }
            }
        }
        return new Outcome(run.writes, run.failures, run.errors);
    }

    /** One write an apply may do: its phase, group, the group it requires (or null) and the operation. */
    private record Write(Phase<?, ?> phase, Object group, Object requires, Supplier<String> what, Runnable op) {
    }

    /** The writes {@code phase} selects, in key order, against the mirror as it is now. */
    private static <K extends Comparable<? super K>, V> void collect(Phase<K, V> phase, Desired desired, List<Write> out) {
        Map<K, V> wanted = desired.of(phase.table());
        AppliedTable<K, V> table = phase.table();
        java.util.SortedSet<K> scope = desired.scope(table);
        if (scope != null) {
            collectScoped(phase, wanted, scope, out);
            return;
        }
        if (phase.kind() == Phase.Kind.PUT) {
            for (Map.Entry<K, V> e : new TreeMap<>(wanted).entrySet()) {
                K key = e.getKey();
                V value = e.getValue();
                if (!phase.selects().test(key, wanted) || value.equals(table.get(key))) continue;
                out.add(new Write(phase, phase.group().apply(key, value), phase.requires().apply(key, value),
                        () -> "put " + key + " = " + value, () -> table.put(key, value)));
            }
        } else {
            for (Map.Entry<K, V> e : new TreeMap<>(table.applied()).entrySet()) {
                K key = e.getKey();
                if (wanted.containsKey(key) || !phase.selects().test(key, wanted)) continue;
                out.add(new Write(phase, phase.group().apply(key, e.getValue()),
                        phase.requires().apply(key, e.getValue()), () -> "delete " + key, () -> table.delete(key)));
            }
        }
    }

    /** As {@link #collect}, looking only at the keys of {@code scope} (in key order, as a full pass). */
    private static <K extends Comparable<? super K>, V> void collectScoped(Phase<K, V> phase, Map<K, V> wanted,
                                                                          java.util.SortedSet<K> scope, List<Write> out) {
        AppliedTable<K, V> table = phase.table();
        for (K key : scope) {
            V value = wanted.get(key);
            if (phase.kind() == Phase.Kind.PUT) {
                if (value == null || !phase.selects().test(key, wanted) || value.equals(table.get(key))) continue;
                out.add(new Write(phase, phase.group().apply(key, value), phase.requires().apply(key, value),
                        () -> "put " + key + " = " + value, () -> table.put(key, value)));
            } else {
                V applied = table.get(key);
                if (applied == null || wanted.containsKey(key) || !phase.selects().test(key, wanted)) continue;
                out.add(new Write(phase, phase.group().apply(key, applied), phase.requires().apply(key, applied),
                        () -> "delete " + key, () -> table.delete(key)));
            }
        }
    }

    /** The state of one apply. */
    private static final class Run {
        int writes;
        int failures;
        boolean fatal;
        final List<String> errors = new ArrayList<>();
        final Set<Object> failedGroups = new HashSet<>();

        /**
         * Whether a write of {@code group} is skipped: its group failed, or the group it requires did
         * (its own group then counts as failed, so its later writes wait too).
         */
        boolean skips(Object group, Object required) {
            if (failedGroups.contains(group)) return true;
            if (required != null && failedGroups.contains(required)) {
                failedGroups.add(group);
                return true;
            }
            return false;
        }

        /** Performs {@code writes} in order, skipping those of failed groups; false when the apply must stop. */
        boolean all(List<Write> writes) {
            for (Write w : writes) {
                if (skips(w.group(), w.requires())) continue;
                if (!write(w)) return false;
            }
            return true;
        }

        /** Performs one write; false when the apply must stop. */
        private boolean write(Write w) {
            try {
                w.op().run();
                writes++;
                return true;
            } catch (MapWriteException e) {
                String line = w.phase().table().name() + ": " + w.what().get() + " failed: "
                        + (e.getMessage() == null ? e.toString() : e.getMessage());
                if (failures++ == 0) {
                    LOG.debug("map write failed after {} successful writes in this apply: {}", writes, line);
                }
                if (errors.size() < KEPT_ERRORS) errors.add(line);
                failedGroups.add(w.group());
                if (w.group() == Phase.FATAL) {
                    fatal = true;
                    return false;
                }
                return true;
            }
        }
    }
}
