package dev.senda.maps.table;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link TypedMap} in a plain Java map, for unit tests and dry runs. Thread-safe. */
public final class InMemoryTypedMap<K, V> implements TypedMap<K, V> {
    private final String name;
    private final Map<K, V> entries = new ConcurrentHashMap<>();

    public InMemoryTypedMap(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void put(K key, V value) {
        entries.put(key, value);
    }

    @Override
    public void delete(K key) {
        entries.remove(key);
    }

    @Override
    public Map<K, V> entries() {
        return new HashMap<>(entries);
    }
}
