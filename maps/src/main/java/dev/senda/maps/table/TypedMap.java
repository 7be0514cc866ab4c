package dev.senda.maps.table;

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
 * @param <K> key type
 * @param <V> value type
 */
public interface TypedMap<K, V> extends AutoCloseable {
    /** The map's (or table's) name, for errors and logs. */
    String name();

    void put(K key, V value);

    void delete(K key);

    /** A snapshot of every decodable entry. */
    Map<K, V> entries();

    /** Releases what the map owns (file descriptors of maps it opened); idempotent. */
    @Override
    default void close() {
    }
}
