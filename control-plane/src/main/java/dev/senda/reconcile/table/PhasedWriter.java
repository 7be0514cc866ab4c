package dev.senda.reconcile.table;

import dev.senda.maps.table.BatchWriteException;
import dev.senda.maps.table.MapWriteException;
import dev.senda.maps.table.TypedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
 * <p>Execution: the writes are performed in exactly that order, but a run of consecutive writes of one
 * kind to one table whose writes are due (none skipped) goes to the map as one batch
 * ({@link AppliedTable#writeMode() BATCHED}, the default): a few {@code BPF_MAP_*_BATCH} syscalls
 * instead of one per write. A batch stops at its first failed write and says how many landed; those are
 * mirrored, the failed one is handled as a single failed write would be, and execution goes on after it
 * with skips decided afresh. Whether a write is due is decided without side effects while a batch is
 * gathered, and no failure can happen between that decision and the write, so the outcome (entries
 * landed, failures, groups skipped, the point a fatal failure stops at) equals that of one write at a
 * time ({@link WriteMode#SINGLE}), write for write.
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

        /** Each table's mirror made for its desired entries up front, where it will hold them all. */
        void reserveMirrors() {
            entries.forEach((table, wanted) -> {
                if (!scopes.containsKey(table)) table.reserve(wanted.size());
            });
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
        desired.reserveMirrors();
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
                    List<List<Write>> perPhase = new ArrayList<>();
                    for (Phase<?, ?> phase : interleaved.phases()) {
                        if (phase.kind() == Phase.Kind.PRUNE && !pruneAllowed) continue;
                        List<Write> writes = new ArrayList<>();
                        collect(phase, desired, writes);
                        perPhase.add(writes);
                    }
                    if (phaseWideIsSafe(perPhase)) {
                        run.phaseWide(perPhase);
                        continue;
                    }
                    // Bucket every write by group, groups in order of first appearance, each group's
                    // writes in phase order: then one group is complete before the next one starts.
                    Map<Object, List<Write>> byGroup = new LinkedHashMap<>();
                    for (List<Write> writes : perPhase) {
                        for (Write w : writes) byGroup.computeIfAbsent(w.group(), g -> new ArrayList<>()).add(w);
                    }
                    // A group missing something it requires writes nothing at all (no slot left
                    // behind without its header to take room in a full map).
                    run.groups(byGroup.values());
                }
            }
        }
        return new Outcome(run.writes, run.failures, run.errors);
    }

    /**
     * One write an apply may do: its phase, the key and the value (the desired one of a put, the applied
     * one of a delete). A put or a delete as its phase's kind says. Its group and the group it requires
     * are computed when asked, and not kept: the executor asks only once some group has failed (the step
     * deciding how to run asks once per write), so the 100,000s of writes of a cold sync carry no group
     * objects (boxed ids, keys) for the garbage collector to copy.
     */
    private record Write(Phase<?, ?> phase, Object key, Object value) {
        Object group() {
            return apply(phase, true, key, value);
        }

        Object requires() {
            return apply(phase, false, key, value);
        }

        @SuppressWarnings("unchecked")
        private static <K extends Comparable<? super K>, V> Object apply(Phase<K, V> phase, boolean group, Object key,
                                                                        Object value) {
            return (group ? phase.group() : phase.requires()).apply((K) key, (V) value);
        }

        boolean put() {
            return phase.kind() == Phase.Kind.PUT;
        }

        /** For error lines only: built when a write failed. */
        String what() {
            return put() ? "put " + key + " = " + value : "delete " + key;
        }
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
        // Select first, sort what was selected: the same writes in the same (key) order as sorting the
        // whole table first, without a sorted copy of 100,000s of entries per phase (a steady-state
        // resync selects next to nothing).
        int start = out.size();
        if (phase.kind() == Phase.Kind.PUT) {
            for (Map.Entry<K, V> e : wanted.entrySet()) {
                K key = e.getKey();
                V value = e.getValue();
                if (!phase.selects().test(key, wanted) || value.equals(table.get(key))) continue;
                out.add(new Write(phase, key, value));
            }
        } else {
            table.forEachApplied((key, value) -> {
                if (wanted.containsKey(key) || !phase.selects().test(key, wanted)) return;
                out.add(new Write(phase, key, value));
            });
        }
        out.subList(start, out.size()).sort(PhasedWriter::byKey);
    }

    @SuppressWarnings("unchecked")
    private static int byKey(Write a, Write b) {
        return ((Comparable<Object>) a.key()).compareTo(b.key());
    }

    /** As {@link #collect}, looking only at the keys of {@code scope} (in key order, as a full pass). */
    private static <K extends Comparable<? super K>, V> void collectScoped(Phase<K, V> phase, Map<K, V> wanted,
                                                                          java.util.SortedSet<K> scope, List<Write> out) {
        AppliedTable<K, V> table = phase.table();
        for (K key : scope) {
            V value = wanted.get(key);
            if (phase.kind() == Phase.Kind.PUT) {
                if (value == null || !phase.selects().test(key, wanted) || value.equals(table.get(key))) continue;
                out.add(new Write(phase, key, value));
            } else {
                V applied = table.get(key);
                if (applied == null || wanted.containsKey(key) || !phase.selects().test(key, wanted)) continue;
                out.add(new Write(phase, key, applied));
            }
        }
    }

    /**
     * Whether an interleaved step may run phase by phase across its groups (every group's writes of
     * one phase as one run of batches, then the next phase's) instead of group by group, with the same
     * outcome. Group by group costs a few syscalls per group, as consecutive writes to one table are
     * what batches; phase by phase costs a few per phase. The order within each group stays the phase
     * order (a frontend's slots and reverse NAT before its header), so a reader never sees a header
     * before what it counts on; only the moment a map would fill up part-way differs: then group by
     * group leaves whole groups, phase by phase would leave every later group half-written. Hence
     * phase by phase only where it cannot matter:
     * <ul>
     *   <li>every table of the step is {@link WriteMode#BATCHED} ({@link WriteMode#SINGLE} stays the
     *   reference order, write for write);</li>
     *   <li>no write is {@link Phase#FATAL} and none requires a group written in this step (so what a
     *   group requires is settled before the step starts, and is checked then);</li>
     *   <li>every new key fits: per map (each family's, for a table over two), the keys the step puts
     *   that the map does not hold are at most its {@code max_entries} minus the entries it holds,
     *   less a margin of 1 %. A map that cannot say its size counts as not fitting;</li>
     *   <li>the step has at least {@link #PHASE_WIDE_MIN_GROUPS} groups.</li>
     * </ul>
     */
    private static boolean phaseWideIsSafe(List<List<Write>> perPhase) {
        // One pass over the writes (each write's group and requirement computed once: 100,000s of
        // writes at a cold sync): the groups, what they require, and per table and map of the table how
        // many keys the step adds to it.
        Set<Object> groups = new HashSet<>();
        List<Object> required = new ArrayList<>(); // checked once every group is known
        Map<AppliedTable<?, ?>, Map<TypedMap<?, ?>, long[]>> added = new java.util.IdentityHashMap<>();
        // A phase's writes are one table's, a group's writes follow each other (key order), and a run of
        // them goes to one map: each looked up when it changes, not once per write.
        AppliedTable<?, ?> table = null;
        Map<TypedMap<?, ?>, long[]> parts = null;
        Object lastGroup = NO_GROUP;
        TypedMap<?, ?> lastPart = null;
        long[] lastPartAdded = null;
        for (List<Write> writes : perPhase) {
            for (Write w : writes) {
                if (w.phase().table() != table) {
                    table = w.phase().table();
                    parts = added.get(table);
                    if (parts == null) {
                        if (table.writeMode() != WriteMode.BATCHED) return false;
                        added.put(table, parts = new java.util.IdentityHashMap<>());
                    }
                    lastPart = null;
                }
                Object group = w.group();
                if (group == Phase.FATAL) return false;
                if (!Objects.equals(group, lastGroup)) {
                    groups.add(group);
                    lastGroup = group;
                }
                Object requires = w.requires();
                if (requires != null) required.add(requires);
                if (w.put() && !table.holds(w.key())) {
                    TypedMap<?, ?> part = table.partOf(w.key());
                    if (part != lastPart) {
                        lastPartAdded = parts.computeIfAbsent(part, m -> new long[1]);
                        lastPart = part;
                    }
                    lastPartAdded[0]++;
                }
            }
        }
        // A few groups gain little from it, and the room check below walks the mirror: an incremental
        // apply of a handful of frontends must not cost a walk of every entry.
        if (groups.size() < PHASE_WIDE_MIN_GROUPS) return false;
        for (Object r : required) {
            if (groups.contains(r)) return false;
        }
        for (Map.Entry<AppliedTable<?, ?>, Map<TypedMap<?, ?>, long[]>> t : added.entrySet()) {
            if (t.getValue().isEmpty()) continue;
            Map<TypedMap<?, ?>, Integer> present = t.getKey().entriesPerPart();
            for (Map.Entry<TypedMap<?, ?>, long[]> part : t.getValue().entrySet()) {
                int max = part.getKey().maxEntries();
                // The mirror holds the entries that decode; one that does not (a bpftool edit) still takes
                // room in the kernel, hence a margin before the step is allowed to rely on the room.
                long room = (long) max - present.getOrDefault(part.getKey(), 0) - max / ROOM_MARGIN_DIVISOR;
                if (max < 0 || part.getValue()[0] > room) return false;
            }
        }
        return true;
    }

    /** No group at all: {@link #phaseWideIsSafe}'s "last group" before the first write. */
    private static final Object NO_GROUP = new Object();

    /** Fewest groups (frontends) for which an interleaved step goes phase by phase. */
    public static final int PHASE_WIDE_MIN_GROUPS = 64;
    /** A phase-wide step leaves at least 1/this of each map's entries unclaimed (see phaseWideIsSafe). */
    private static final int ROOM_MARGIN_DIVISOR = 100;

    /** Most writes in one batch: bounds the buffers a batch needs (a kernel map splits it further). */
    static final int MAX_BATCH = dev.senda.maps.libbpf.BpfMap.BATCH_CHUNK;

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
        boolean skips(Write w) {
            if (failedGroups.isEmpty()) return false; // the usual case: no group to compute
            if (failedGroups.contains(w.group())) return true;
            Object required = w.requires();
            if (required != null && failedGroups.contains(required)) {
                failedGroups.add(w.group());
                return true;
            }
            return false;
        }

        /** Whether {@link #skips} would say so, without its side effect: to gather a batch. */
        private boolean wouldSkip(Write w) {
            if (failedGroups.isEmpty()) return false;
            return failedGroups.contains(w.group()) || (w.requires() != null && failedGroups.contains(w.requires()));
        }

        /** Performs {@code writes} in order, skipping those of failed groups; false when the apply must stop. */
        boolean all(List<Write> writes) {
            return perform(writes, null);
        }

        /**
         * Performs an interleaved step phase by phase ({@link #phaseWideIsSafe}): first the check each
         * group gets at its start group by group (one missing what it requires writes nothing: asking
         * {@link #skips} of each of its writes marks it failed), then each phase's writes in order, a
         * write of a group that failed meanwhile skipped as ever.
         */
        boolean phaseWide(List<List<Write>> perPhase) {
            for (List<Write> writes : perPhase) {
                for (Write w : writes) skips(w);
            }
            for (List<Write> writes : perPhase) {
                if (!perform(writes, null)) return false;
            }
            return true;
        }

        /**
         * Performs {@code groups} in order, each whole: a group with a write that would be skipped at its
         * start writes nothing; false when the apply must stop.
         */
        boolean groups(java.util.Collection<List<Write>> groups) {
            List<Write> seq = new ArrayList<>();
            List<Integer> ends = new ArrayList<>();
            for (List<Write> group : groups) {
                seq.addAll(group);
                ends.add(seq.size());
            }
            int[] groupEnd = new int[seq.size()];
            java.util.Arrays.fill(groupEnd, -1);
            int start = 0;
            for (int end : ends) {
                if (end > start) groupEnd[start] = end;
                start = end;
            }
            return perform(seq, groupEnd);
        }

        /**
         * The one executor: {@code seq} in order, with skips decided write by write and, where
         * {@code groupEnd[i] >= 0}, a whole-group check at {@code i} (the group being {@code i} until
         * {@code groupEnd[i]}); {@code groupEnd} null: no group checks.
         */
        private boolean perform(List<Write> seq, int[] groupEnd) {
            int n = seq.size();
            int checked = -1; // group starts at or before this index have had their check
            int pos = 0;
            while (pos < n) {
                if (groupEnd != null && groupEnd[pos] >= 0 && pos > checked) {
                    List<Write> group = seq.subList(pos, groupEnd[pos]);
                    if (group.stream().anyMatch(this::skips)) {
                        pos = groupEnd[pos];
                        continue;
                    }
                    checked = pos;
                }
                Write w = seq.get(pos);
                if (skips(w)) {
                    pos++;
                    continue;
                }
                int end = batchEnd(seq, groupEnd, pos);
                if (end - pos == 1) {
                    if (!write(w)) return false;
                    pos++;
                    continue;
                }
                int landed = batch(seq.subList(pos, end));
                // Every group start up to the write that failed (or to the end) was checked while gathering.
                checked = Math.max(checked, Math.min(pos + landed, end - 1));
                writes += landed;
                pos += landed;
                if (pos < end) { // the batch stopped at seq[pos]: failed as a single write of it would have
                    if (!failed(seq.get(pos), lastFailure)) return false;
                    pos++;
                }
            }
            return true;
        }

        /**
         * The end (exclusive) of the batch starting at {@code pos}: the writes after it of the same
         * table and kind that are due now (not skipped, their group's check passing), at most
         * {@link #MAX_BATCH}; {@code pos + 1} for a table written one write at a time.
         */
        private int batchEnd(List<Write> seq, int[] groupEnd, int pos) {
            Write first = seq.get(pos);
            AppliedTable<?, ?> table = first.phase().table();
            if (table.writeMode() == WriteMode.SINGLE) return pos + 1;
            int end = pos + 1;
            while (end < seq.size() && end - pos < MAX_BATCH) {
                Write w = seq.get(end);
                if (w.phase().table() != table || w.put() != first.put() || wouldSkip(w)) break;
                if (groupEnd != null && groupEnd[end] >= 0
                        && seq.subList(end, groupEnd[end]).stream().anyMatch(this::wouldSkip)) break;
                end++;
            }
            return end;
        }

        /** Why the last {@link #batch} stopped short. */
        private MapWriteException lastFailure;

        /** Performs {@code batch} (one table, one kind) as one; returns how many landed. */
        private int batch(List<Write> batch) {
            try {
                batchOf(batch.getFirst().phase().table(), batch);
                return batch.size();
            } catch (BatchWriteException e) {
                lastFailure = e.failure();
                return e.landed();
            }
        }

        @SuppressWarnings("unchecked")
        private static <K extends Comparable<? super K>, V> void batchOf(AppliedTable<K, V> table, List<Write> batch) {
            List<K> keys = new ArrayList<>(batch.size());
            for (Write w : batch) keys.add((K) w.key());
            if (batch.getFirst().put()) {
                List<V> values = new ArrayList<>(batch.size());
                for (Write w : batch) values.add((V) w.value());
                table.putAll(keys, values);
            } else {
                table.deleteAll(keys);
            }
        }

        /** Performs one write; false when the apply must stop. */
        @SuppressWarnings("unchecked")
        private boolean write(Write w) {
            try {
                AppliedTable<Comparable<Object>, Object> table = (AppliedTable<Comparable<Object>, Object>) w.phase().table();
                if (w.put()) {
                    table.put((Comparable<Object>) w.key(), w.value());
                } else {
                    table.delete((Comparable<Object>) w.key());
                }
                writes++;
                return true;
            } catch (MapWriteException e) {
                return failed(w, e);
            }
        }

        /** Records a failed write; false when the apply must stop. */
        private boolean failed(Write w, MapWriteException e) {
            String line = w.phase().table().name() + ": " + w.what() + " failed: "
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
