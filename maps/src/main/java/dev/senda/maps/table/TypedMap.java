package dev.senda.maps.table;

import java.util.List;
import java.util.Map;

/**
 * A BPF map (or a family pair of them) seen through its codecs: typed keys and values.
 *
 * <p>Implementations: {@link KernelTypedMap} (a pinned map), {@link FamilySplitMap} (an IPv4 and an
 * IPv6 map behind one table), {@link InMemoryTypedMap} (tests, dry runs) and
 * {@link FaultInjectingTypedMap} (tests of convergence after failed writes). Every table gets all four
 * from its {@link TableSpec}.
 *
 * <p>Contract: {@link #put} is an upsert and {@link #delete} of a missing key succeeds, so a retried
 * write is harmless. A failed write throws {@link MapWriteException} naming the map and the key and
 * leaves the entry as it was. {@link #entries()} is a snapshot; entries that cannot be decoded are
 * left out (and logged once per read), never fatal.
 *
 * <p>Batches: {@link #putAll} and {@link #deleteAll} perform their elements in order as if by
 * {@code put} and {@code delete}, stopping at the first that fails, and say exactly how far they got
 * ({@link BatchWriteException}): a kernel map does it in a few syscalls ({@code BPF_MAP_*_BATCH}),
 * the defaults here one element at a time. Every implementation keeps that contract, so a caller can
 * mirror what landed.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface TypedMap<K, V> extends AutoCloseable {
    /** The map's (or table's) name, for errors and logs. */
    String name();

    void put(K key, V value);

    void delete(K key);

    /**
     * Puts {@code keys.get(i) -> values.get(i)} in order, stopping at the first that fails.
     *
     * @throws BatchWriteException naming how many landed (the first ones) and why the next failed;
     *                             nothing after that one was attempted
     */
    default void putAll(List<? extends K> keys, List<? extends V> values) {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        for (int i = 0; i < keys.size(); i++) {
            try {
                put(keys.get(i), values.get(i));
            } catch (MapWriteException e) {
                throw new BatchWriteException(i, e);
            }
        }
    }

    /**
     * Deletes {@code keys} in order (a missing key is deleted already), stopping at the first that fails.
     *
     * @throws BatchWriteException as {@link #putAll}
     */
    default void deleteAll(List<? extends K> keys) {
        for (int i = 0; i < keys.size(); i++) {
            try {
                delete(keys.get(i));
            } catch (MapWriteException e) {
                throw new BatchWriteException(i, e);
            }
        }
    }

    /**
     * The map {@code key}'s entry lives in: this one, or, for a table over several maps
     * ({@link FamilySplitMap}), the part that holds it. What {@link #maxEntries()} is asked of.
     */
    default TypedMap<K, V> partOf(K key) {
        return this;
    }

    /**
     * Calls {@code action} with every entry, as {@link #entries()} would hold them, without building
     * that map where the implementation can (a kernel map decodes straight into the action).
     */
    default void forEachEntry(java.util.function.BiConsumer<? super K, ? super V> action) {
        entries().forEach(action);
    }

    /**
     * How many entries this map holds at most (a kernel map's {@code max_entries}), or -1 when it
     * cannot say (a map that only fails when full). Writers use it to know ahead that a set of new
     * keys fits.
     */
    default int maxEntries() {
        return -1;
    }

    /** A snapshot of every decodable entry. */
    Map<K, V> entries();

    /** Releases what the map owns (file descriptors of maps it opened); idempotent. */
    @Override
    default void close() {
    }
}
