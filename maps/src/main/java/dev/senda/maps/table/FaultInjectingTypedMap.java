package dev.senda.maps.table;

import java.util.Map;
import java.util.Objects;

/** A {@link TypedMap} that forwards to a delegate but fails the write its {@link FaultInjector} chooses. */
public final class FaultInjectingTypedMap<K, V> implements TypedMap<K, V> {
    private final TypedMap<K, V> delegate;
    private final FaultInjector faults;

    public FaultInjectingTypedMap(TypedMap<K, V> delegate, FaultInjector faults) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.faults = Objects.requireNonNull(faults, "faults");
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void put(K key, V value) {
        faults.count("put " + name() + " " + key);
        delegate.put(key, value);
    }

    @Override
    public void delete(K key) {
        faults.count("delete " + name() + " " + key);
        delegate.delete(key);
    }

    @Override
    public Map<K, V> entries() {
        return delegate.entries();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
