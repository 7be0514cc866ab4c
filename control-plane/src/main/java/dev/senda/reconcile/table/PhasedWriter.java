package dev.senda.reconcile.table;

import dev.senda.maps.table.MapWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Makes tables hold their desired entries by running {@link Phase}s in order, writing only entries
 * that differ from the applied mirror. Generic over tables: a new map is a new {@link AppliedTable}
 * and its phases in a write order, nothing here.
 *
 * <p>Failures: a failed write is reported (the map, the key, the kernel's reason) and skips the rest
 * of its group; a failed write of the {@link Phase#FATAL} group ends the apply. Prunes run only when
 * allowed and when nothing failed before them. Every write is an upsert or an idempotent delete, so
 * the next apply retries exactly what is missing.
 */
public final class PhasedWriter {
    private static final Logger LOG = LoggerFactory.getLogger(PhasedWriter.class);

    /** What one apply did. */
    public record Outcome(int writes, List<String> errors) {
        public Outcome {
            errors = List.copyOf(errors);
        }
    }

    /** Desired entries per table for one apply. */
    public static final class Desired {
        private final Map<AppliedTable<?, ?>, Map<?, ?>> entries = new java.util.IdentityHashMap<>();

        public <K extends Comparable<? super K>, V> Desired with(AppliedTable<K, V> table, Map<K, V> wanted) {
            entries.put(table, Objects.requireNonNull(wanted, "wanted"));
            return this;
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
     * Runs {@code phases} in order against {@code desired}.
     *
     * @param pruneAllowed whether {@link Phase.Kind#PRUNE} phases may run
     */
    public static Outcome apply(List<Phase<?, ?>> phases, Desired desired, boolean pruneAllowed) {
        Run run = new Run();
        for (Phase<?, ?> phase : phases) {
            if (run.fatal) break;
            if (phase.kind() == Phase.Kind.PRUNE && (!pruneAllowed || !run.errors.isEmpty())) continue;
            runPhase(phase, desired, run);
        }
        return new Outcome(run.writes, run.errors);
    }

    private static <K extends Comparable<? super K>, V> void runPhase(Phase<K, V> phase, Desired desired, Run run) {
        Map<K, V> wanted = desired.of(phase.table());
        AppliedTable<K, V> table = phase.table();
        if (phase.kind() == Phase.Kind.PUT) {
            for (Map.Entry<K, V> e : new TreeMap<>(wanted).entrySet()) {
                K key = e.getKey();
                V value = e.getValue();
                if (!phase.selects().test(key, wanted) || value.equals(table.get(key))) continue;
                Object group = phase.group().apply(key, value);
                if (run.failedGroups.contains(group)) continue;
                if (!run.write(phase, group, "put " + key + " = " + value, () -> table.put(key, value))) return;
            }
        } else {
            for (Map.Entry<K, V> e : new TreeMap<>(table.applied()).entrySet()) {
                K key = e.getKey();
                if (wanted.containsKey(key) || !phase.selects().test(key, wanted)) continue;
                Object group = phase.group().apply(key, e.getValue());
                if (run.failedGroups.contains(group)) continue;
                if (!run.write(phase, group, "delete " + key, () -> table.delete(key))) return;
            }
        }
    }

    /** The state of one apply. */
    private static final class Run {
        int writes;
        boolean fatal;
        final List<String> errors = new ArrayList<>();
        final Set<Object> failedGroups = new HashSet<>();

        /** Performs one write; false when the apply must stop. */
        boolean write(Phase<?, ?> phase, Object group, String what, Runnable op) {
            try {
                op.run();
                writes++;
                return true;
            } catch (MapWriteException e) {
                String line = phase.table().name() + ": " + what + " failed: "
                        + (e.getMessage() == null ? e.toString() : e.getMessage());
                if (errors.isEmpty()) {
                    LOG.warn("map write failed after {} successful writes in this apply: {}", writes, line);
                }
                errors.add(line);
                failedGroups.add(group);
                if (group == Phase.FATAL) {
                    fatal = true;
                    return false;
                }
                return true;
            }
        }
    }
}
