package dev.senda.maps.table;

import java.util.Map;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link TypedMap} that forwards to a delegate but fails the write its {@link FaultInjector} chooses,
 * and, when given a capacity, every put of a new key once the map holds that many entries, as a full
 * kernel hash map refuses it (E2BIG, thrown as {@link MapFullException}); an update of a key it
 * holds still succeeds, as in the kernel.
 */
public final class FaultInjectingTypedMap<K, V> implements TypedMap<K, V> {
    /** No capacity limit. */
    public static final int UNLIMITED = -1;

    private final TypedMap<K, V> delegate;
    private final FaultInjector faults;
    private final int capacity;
    /** The delegate's keys, kept when a capacity is set (so a put costs no snapshot). */
    private final Set<K> keys;

    public FaultInjectingTypedMap(TypedMap<K, V> delegate, FaultInjector faults) {
        this(delegate, faults, UNLIMITED);
    }

    /**
     * @param capacity most entries the map holds ({@link #UNLIMITED}: no limit); counted from the
     *                 delegate's entries now, and from this map's writes afterwards
     */
    public FaultInjectingTypedMap(TypedMap<K, V> delegate, FaultInjector faults, int capacity) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.faults = Objects.requireNonNull(faults, "faults");
        if (capacity < UNLIMITED || capacity == 0) throw new IllegalArgumentException("capacity " + capacity);
        this.capacity = capacity;
        this.keys = capacity == UNLIMITED ? null : new HashSet<>(delegate.entries().keySet());
    }

    /** {@code delegate} holding at most {@code capacity} entries, with no other faults. */
    public static <K, V> FaultInjectingTypedMap<K, V> withCapacity(TypedMap<K, V> delegate, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        return new FaultInjectingTypedMap<>(delegate, new FaultInjector(), capacity);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void put(K key, V value) {
        faults.count(() -> "put " + name() + " " + key);
        if (keys != null && !keys.contains(key) && keys.size() >= capacity) {
            throw new MapFullException(name(), capacity, "write to " + name() + " for " + key
                    + " failed: map full (" + capacity + " entries)", null);
        }
        delegate.put(key, value);
        if (keys != null) keys.add(key);
    }

    @Override
    public void delete(K key) {
        faults.count(() -> "delete " + name() + " " + key);
        delegate.delete(key);
        if (keys != null) keys.remove(key);
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
