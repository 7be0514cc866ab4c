package dev.senda.reconcile.table;

import dev.senda.maps.table.BatchWriteException;
import dev.senda.maps.table.TypedMap;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One table under reconciliation: its map, and the reconciler's mirror of what the map holds.
 *
 * <p>The mirror is updated only after a write succeeded. Because a failed write leaves its entry
 * unchanged (the {@link TypedMap} contract), the mirror always equals what really landed, and the
 * next apply's diff is exactly the set of writes still missing. A batch ({@link #putAll},
 * {@link #deleteAll}) mirrors exactly the elements the map says landed ({@link BatchWriteException}).
 *
 * <p>Not thread-safe; owned by one reconciler.
 *
 * @param <K> key type (Comparable, so every pass over a table is in a deterministic order)
 * @param <V> value type
 */
public final class AppliedTable<K extends Comparable<? super K>, V> {
    private final TypedMap<K, V> map;
    private Map<K, V> applied = new HashMap<>();
    /** Entries {@link #applied} was last made for ({@link #reserve}). */
    private int reserved;
    /** Bumped by every change of the mirror, so a reader can cache what it derived from it. */
    private long version;
    private WriteMode writeMode = WriteMode.BATCHED;

    public AppliedTable(TypedMap<K, V> map) {
        this.map = Objects.requireNonNull(map, "map");
    }

    /** How {@link PhasedWriter} writes this table; {@link WriteMode#BATCHED} unless set. */
    public WriteMode writeMode() {
        return writeMode;
    }

    public void writeMode(WriteMode mode) {
        this.writeMode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * Replaces the mirror with what the map holds now (start, periodic drift repair); a kernel map is
     * read with {@code BPF_MAP_LOOKUP_BATCH} where its type has it.
     */
    public void reload() {
        applied.clear();
        try {
            map.forEachEntry(applied::put); // no intermediate map of 100,000s of entries
        } catch (RuntimeException e) {
            applied.clear(); // as before the read: nothing half-read is taken for the map's contents
            version++;
            throw e;
        }
        version++;
    }

    /** Changes with every write, delete and reload: equal versions mean an unchanged mirror. */
    public long version() {
        return version;
    }

    /**
     * Makes room in the mirror for {@code entries} entries at once, when it was made for fewer: a cold
     * sync mirrors 100,000s of entries, and a mirror grown by doubling rehashes them a dozen times, each
     * time relinking entries the collector has already moved to the old generation (which its next
     * young collections must then scan again).
     */
    void reserve(int entries) {
        if (entries <= reserved || entries <= applied.size()) return;
        Map<K, V> sized = HashMap.newHashMap(entries);
        sized.putAll(applied);
        applied = sized;
        reserved = entries;
    }

    /**
     * The mirror, read-only: a view to read at once, not to keep (an apply may make the mirror anew,
     * {@link #reserve}, and a kept view would then show the old one).
     */
    public Map<K, V> applied() {
        return Collections.unmodifiableMap(applied);
    }

    public V get(K key) {
        return applied.get(key);
    }

    /** Whether the mirror holds {@code key}; untyped, for the writer's generic bookkeeping. */
    boolean holds(Object key) {
        return applied.containsKey(key);
    }

    /** Every mirrored entry, in no particular order (no sorted copy, no entry wrappers). */
    public void forEachApplied(java.util.function.BiConsumer<? super K, ? super V> action) {
        applied.forEach(action);
    }

    /** The map {@code key}'s entry lives in ({@link TypedMap#partOf}). */
    @SuppressWarnings("unchecked")
    TypedMap<?, ?> partOf(Object key) {
        return map.partOf((K) key);
    }

    /** Mirrored entries per map the table writes to ({@link TypedMap#partOf}); walks the mirror. */
    Map<TypedMap<?, ?>, Integer> entriesPerPart() {
        Map<TypedMap<?, ?>, Integer> out = new java.util.IdentityHashMap<>();
        for (K key : applied.keySet()) out.merge(map.partOf(key), 1, Integer::sum);
        return out;
    }

    public String name() {
        return map.name();
    }

    void put(K key, V value) {
        map.put(key, value);
        applied.put(key, value);
        version++;
    }

    void delete(K key) {
        map.delete(key);
        applied.remove(key);
        version++;
    }

    /**
     * Puts in order as one batch, mirroring what landed.
     *
     * @throws BatchWriteException when an element failed: the mirror holds the ones before it
     */
    void putAll(List<K> keys, List<V> values) {
        try {
            map.putAll(keys, values);
        } catch (BatchWriteException e) {
            for (int i = 0; i < e.landed(); i++) applied.put(keys.get(i), values.get(i));
            version++;
            throw e;
        }
        for (int i = 0; i < keys.size(); i++) applied.put(keys.get(i), values.get(i));
        version++;
    }

    /** Deletes in order as one batch, mirroring what landed; throws as {@link #putAll}. */
    void deleteAll(List<K> keys) {
        try {
            map.deleteAll(keys);
        } catch (BatchWriteException e) {
            for (int i = 0; i < e.landed(); i++) applied.remove(keys.get(i));
            version++;
            throw e;
        }
        for (K key : keys) applied.remove(key);
        version++;
    }
}
