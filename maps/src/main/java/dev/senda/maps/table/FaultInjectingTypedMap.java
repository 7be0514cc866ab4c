package dev.senda.maps.table;

import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link TypedMap} that forwards to a delegate but fails the write its {@link FaultInjector} chooses,
 * and, when given a capacity, every put of a new key once the map holds that many entries, as a full
 * kernel hash map refuses it (E2BIG, thrown as {@link MapFullException}); an update of a key it
 * holds still succeeds, as in the kernel.
 *
 * <p>Batches keep the {@link TypedMap} contract exactly: each element counts as one write, so the
 * injector can fail a batch part-way (the elements before the failed one reach the delegate, as one
 * batch; it and the rest do not), and a capacity fills up part-way through a batch as a kernel map does.
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
    public void putAll(List<? extends K> batchKeys, List<? extends V> values) {
        if (batchKeys.size() != values.size()) {
            throw new IllegalArgumentException(batchKeys.size() + " keys but " + values.size() + " values");
        }
        Set<K> added = new HashSet<>();   // new keys of this batch so far, for the capacity
        for (int i = 0; i < batchKeys.size(); i++) {
            K key = batchKeys.get(i);
            try {
                faults.count(() -> "put " + name() + " " + key);
                if (keys != null && !keys.contains(key) && !added.contains(key)
                        && keys.size() + added.size() >= capacity) {
                    throw new MapFullException(name(), capacity, "write to " + name() + " for " + key
                            + " failed: map full (" + capacity + " entries)", null);
                }
            } catch (MapWriteException e) {
                forwardPuts(batchKeys.subList(0, i), values.subList(0, i));
                throw new BatchWriteException(i, e);
            }
            if (keys != null && !keys.contains(key)) added.add(key);
        }
        forwardPuts(batchKeys, values);
    }

    /** Hands a batch that passed the faults to the delegate, keeping the key set to what landed. */
    private void forwardPuts(List<? extends K> batchKeys, List<? extends V> values) {
        try {
            delegate.putAll(batchKeys, values);
            if (keys != null) keys.addAll(batchKeys);
        } catch (BatchWriteException e) {
            if (keys != null) keys.addAll(batchKeys.subList(0, e.landed()));
            throw e;
        }
    }

    @Override
    public void deleteAll(List<? extends K> batchKeys) {
        for (int i = 0; i < batchKeys.size(); i++) {
            K key = batchKeys.get(i);
            try {
                faults.count(() -> "delete " + name() + " " + key);
            } catch (MapWriteException e) {
                forwardDeletes(batchKeys.subList(0, i));
                throw new BatchWriteException(i, e);
            }
        }
        forwardDeletes(batchKeys);
    }

    private void forwardDeletes(List<? extends K> batchKeys) {
        try {
            delegate.deleteAll(batchKeys);
            if (keys != null) batchKeys.forEach(keys::remove);
        } catch (BatchWriteException e) {
            if (keys != null) batchKeys.subList(0, e.landed()).forEach(keys::remove);
            throw e;
        }
    }

    /** The capacity given, or {@link #UNLIMITED}. */
    public int capacity() {
        return capacity;
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
