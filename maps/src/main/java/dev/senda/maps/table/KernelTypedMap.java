package dev.senda.maps.table;

import dev.senda.maps.abi.MapSpec;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.LibbpfException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TypedMap} over one kernel BPF map. Every put is a {@code BPF_ANY} update and a delete of a
 * missing key succeeds (libbpf reports ENOENT as success to us). A single-element update either
 * happens or not, so a failed call leaves the entry as it was. {@link #putAll}, {@link #deleteAll} and
 * {@link #entries} use the kernel's batch operations where the map type has them. Thread-safe: each operation is one
 * syscall; snapshots are best-effort under concurrent writes.
 */
public final class KernelTypedMap<K, V> implements TypedMap<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(KernelTypedMap.class);
    /** How many undecodable entries one read names in its log line; the rest are counted. */
    private static final int LOGGED_BAD_ENTRIES = 3;

    private final BpfMap map;
    private final MapSpec<K, V> spec;
    private final boolean ownsMap;

    private KernelTypedMap(BpfMap map, MapSpec<K, V> spec, boolean ownsMap) {
        this.map = Objects.requireNonNull(map, "map");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.ownsMap = ownsMap;
        if (map.keySize() != spec.keySize() || map.valueSize() != spec.valueSize()) {
            throw new IllegalArgumentException("map " + map.name() + " has key/value sizes " + map.keySize() + "/"
                    + map.valueSize() + ", " + spec.mapName() + " wants " + spec.keySize() + "/" + spec.valueSize()
                    + " (" + spec.key().cName() + " / " + spec.value().cName() + ")");
        }
    }

    /**
     * Over a map someone else owns (a loaded object's); {@link #close} leaves it open.
     *
     * @throws IllegalArgumentException if the map's key or value size does not match the spec
     */
    public static <K, V> KernelTypedMap<K, V> over(BpfMap map, MapSpec<K, V> spec) {
        return new KernelTypedMap<>(map, spec, false);
    }

    /**
     * Opens {@code <bpffsRoot>/<mapName>}; the result owns the fd.
     *
     * @throws LibbpfException if the pin is missing or is not a map
     * @throws IllegalArgumentException if its sizes do not match the spec (the fd is closed)
     */
    public static <K, V> KernelTypedMap<K, V> openPinned(Path bpffsRoot, MapSpec<K, V> spec) {
        BpfMap map = BpfMap.openPinned(bpffsRoot.resolve(spec.mapName()));
        try {
            return new KernelTypedMap<>(map, spec, true);
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return spec.mapName();
    }

    @Override
    public void put(K key, V value) {
        byte[] k = spec.key().encode(key);
        byte[] v = spec.value().encode(value);
        try {
            map.update(k, v);
        } catch (LibbpfException e) {
            throw putFailure(key, e);
        }
    }

    /** What a failed put of {@code key} throws: {@link MapFullException} for the kernel's E2BIG. */
    private MapWriteException putFailure(K key, LibbpfException e) {
        if (e.errno() == LibbpfException.E2BIG) {
            int capacity = capacity();
            return new MapFullException(name(), capacity, "write to " + name() + " for " + key + " failed: map full ("
                    + (capacity < 0 ? "max_entries" : capacity + " entries") + ")", e);
        }
        return new MapWriteException("write to " + name() + " for " + key + " failed: " + e.getMessage(), e);
    }

    /**
     * {@code BPF_MAP_UPDATE_BATCH} where the map type has it ({@link BpfMap#updateBatch}); the failure
     * of the element the kernel stopped at is what {@link #put} of it would have thrown.
     */
    @Override
    public void putAll(List<? extends K> keys, List<? extends V> values) {
        int n = keys.size();
        if (n != values.size()) throw new IllegalArgumentException(n + " keys but " + values.size() + " values");
        if (n == 0) return;
        int ks = spec.keySize();
        int vs = spec.valueSize();
        byte[] k = new byte[n * ks];
        byte[] v = new byte[n * vs];
        for (int i = 0; i < n; i++) {
            spec.key().encodeInto(keys.get(i), k, i * ks);
            spec.value().encodeInto(values.get(i), v, i * vs);
        }
        BpfMap.BatchResult r = map.updateBatch(k, v, n);
        if (!r.complete()) {
            K failed = keys.get(r.done());
            throw new BatchWriteException(r.done(), putFailure(failed, new LibbpfException(
                    "update map " + map.name() + " key " + BpfMap.hex(spec.key().encode(failed)), r.errno())));
        }
    }

    /** {@code BPF_MAP_DELETE_BATCH} where the map type has it ({@link BpfMap#deleteBatch}). */
    @Override
    public void deleteAll(List<? extends K> keys) {
        int n = keys.size();
        if (n == 0) return;
        int ks = spec.keySize();
        byte[] k = new byte[n * ks];
        for (int i = 0; i < n; i++) spec.key().encodeInto(keys.get(i), k, i * ks);
        BpfMap.BatchResult r = map.deleteBatch(k, n);
        if (!r.complete()) {
            K failed = keys.get(r.done());
            LibbpfException e = new LibbpfException("delete from map " + map.name() + " key "
                    + BpfMap.hex(spec.key().encode(failed)), r.errno());
            throw new BatchWriteException(r.done(), new MapWriteException("delete from " + name() + " of " + failed
                    + " failed: " + e.getMessage(), e));
        }
    }

    /** {@link #capacity()}: fixed for a map's lifetime, so asked of the kernel once. */
    @Override
    public int maxEntries() {
        int max = maxEntries;
        if (max == 0) {
            max = capacity();
            if (max > 0) maxEntries = max; // a failed ask (-1) is asked again next time, not kept
        }
        return max;
    }

    /** {@link #maxEntries()} once known (a map has at least one entry); 0 until known. */
    private volatile int maxEntries;

    /** The map's {@code max_entries}, or -1 when the kernel cannot say. */
    public int capacity() {
        try {
            return map.info().maxEntries();
        } catch (LibbpfException e) {
            return -1;
        }
    }

    @Override
    public void delete(K key) {
        byte[] k = spec.key().encode(key);
        try {
            map.delete(k);
        } catch (LibbpfException e) {
            throw new MapWriteException("delete from " + name() + " of " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<K, V> entries() {
        Map<K, V> out = new HashMap<>();
        forEachEntry(out::put);
        return out;
    }

    @Override
    public void forEachEntry(java.util.function.BiConsumer<? super K, ? super V> action) {
        List<String> bad = new ArrayList<>();
        int[] badCount = {0};
        // BPF_MAP_LOOKUP_BATCH where the map type has it: a restore of 100,000s of entries in a few syscalls.
        map.forEachEntry((rawKey, rawValue) -> {
            K key;
            V value;
            try {
                key = spec.key().decode(rawKey);
                value = spec.value().decode(rawValue);
            } catch (IllegalArgumentException e) {
                // Senda never writes such an entry (a hand edit with bpftool, a newer agent's enum value):
                // leave it out of the view rather than fail. The reconciler rewrites what it needs around it.
                if (bad.size() < LOGGED_BAD_ENTRIES) {
                    bad.add("key " + BpfMap.hex(rawKey) + " value " + BpfMap.hex(rawValue) + ": " + e.getMessage());
                }
                badCount[0]++;
                return;
            }
            action.accept(key, value);
        });
        if (badCount[0] > 0) {
            LOG.warn("ignoring {} undecodable entries in {}; first: {}", badCount[0], name(), bad);
        }
    }

    @Override
    public void close() {
        if (ownsMap) map.close();
    }
}
