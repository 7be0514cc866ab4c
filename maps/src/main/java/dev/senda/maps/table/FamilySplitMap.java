package dev.senda.maps.table;

import dev.senda.net.IpFamily;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One table over an IPv4 and an IPv6 map: each key goes to its family's map, reads merge both.
 * This is where "the map writer picks the family's map from the key" happens; nothing above it
 * knows there are two maps.
 */
public final class FamilySplitMap<K, V> implements TypedMap<K, V> {
    private final String name;
    private final Function<K, IpFamily> familyOf;
    private final TypedMap<K, V> v4;
    private final TypedMap<K, V> v6;

    public FamilySplitMap(String name, Function<K, IpFamily> familyOf, TypedMap<K, V> v4, TypedMap<K, V> v6) {
        this.name = Objects.requireNonNull(name, "name");
        this.familyOf = Objects.requireNonNull(familyOf, "familyOf");
        this.v4 = Objects.requireNonNull(v4, "v4");
        this.v6 = Objects.requireNonNull(v6, "v6");
    }

    private TypedMap<K, V> of(K key) {
        return familyOf.apply(key) == IpFamily.IPV4 ? v4 : v6;
    }

    /** The map of one family. */
    public TypedMap<K, V> family(IpFamily family) {
        return family == IpFamily.IPV4 ? v4 : v6;
    }

    /** The part of the family of {@code key} (and of whatever that map is over). */
    @Override
    public TypedMap<K, V> partOf(K key) {
        return of(key).partOf(key);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void put(K key, V value) {
        of(key).put(key, value);
    }

    @Override
    public void delete(K key) {
        of(key).delete(key);
    }

    /**
     * Each run of consecutive keys of one family is one batch to that family's map, in order, so the
     * count of a {@link BatchWriteException} still counts from the first of {@code keys}.
     */
    @Override
    public void putAll(List<? extends K> keys, List<? extends V> values) {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        for (int start = 0, end; start < keys.size(); start = end) {
            TypedMap<K, V> map = of(keys.get(start));
            end = runEnd(keys, start);
            try {
                map.putAll(keys.subList(start, end), values.subList(start, end));
            } catch (BatchWriteException e) {
                throw new BatchWriteException(start + e.landed(), e.failure());
            }
        }
    }

    /** As {@link #putAll}: a batch per run of one family. */
    @Override
    public void deleteAll(List<? extends K> keys) {
        for (int start = 0, end; start < keys.size(); start = end) {
            TypedMap<K, V> map = of(keys.get(start));
            end = runEnd(keys, start);
            try {
                map.deleteAll(keys.subList(start, end));
            } catch (BatchWriteException e) {
                throw new BatchWriteException(start + e.landed(), e.failure());
            }
        }
    }

    /** The end (exclusive) of the run of keys of {@code keys.get(start)}'s family. */
    private int runEnd(List<? extends K> keys, int start) {
        IpFamily family = familyOf.apply(keys.get(start));
        int end = start + 1;
        while (end < keys.size() && familyOf.apply(keys.get(end)) == family) end++;
        return end;
    }

    @Override
    public void forEachEntry(java.util.function.BiConsumer<? super K, ? super V> action) {
        v4.forEachEntry(action);
        v6.forEachEntry(action);
    }

    @Override
    public Map<K, V> entries() {
        Map<K, V> all = new HashMap<>(v4.entries());
        all.putAll(v6.entries());
        return all;
    }

    @Override
    public void close() {
        try {
            v4.close();
        } finally {
            v6.close();
        }
    }
}
