package dev.senda.reconcile;

import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.TestLbMaps;
import dev.senda.maps.table.MapWriteException;
import dev.senda.maps.table.MapFullException;
import dev.senda.maps.table.TypedMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Test wrapper of a {@link TestLbMaps} store: its {@link #maps()} log every write as a short line
 * ("putBackend 1", "putService 10.96.0.1:80/TCP/EXTERNAL#0 count=2", ...), can fail the Nth write
 * (1-based, counting attempts) with a {@link MapWriteException} before it reaches the store, and
 * check after every write that a datapath reader would see a consistent state ({@link #violations()}).
 */
final class RecordingLbMaps {
    private final TestLbMaps store;
    private final LbMaps maps;
    private final List<String> ops = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private int attempts;
    private int failAt = -1;
    /** What every table says its {@link TypedMap#maxEntries()} is, and enforces (-1: says nothing). */
    private int maxEntries = -1;

    RecordingLbMaps(TestLbMaps store) {
        this.store = store;
        LbMaps inner = store.maps();
        this.maps = new LbMaps(
                recording(inner.services(), (k, v) -> "putService " + fmt(k)
                        + (k.slot() == 0 ? " count=" + v.count() : " -> " + v.backendId()), k -> "deleteService " + fmt(k)),
                recording(inner.backends(), (k, v) -> "putBackend " + k.id(), k -> "deleteBackend " + k.id()),
                recording(inner.revNats(), (k, v) -> "putRevNat " + k.serviceId(), k -> "deleteRevNat " + k.serviceId()),
                recording(inner.sourceRanges(), (k, v) -> "putSourceRange " + k.serviceId() + " " + k.range(),
                        k -> "deleteSourceRange " + k.serviceId() + " " + k.range()));
    }

    /** The recording tables, for the reconciler under test. */
    LbMaps maps() {
        return maps;
    }

    Map<ServiceKey, ServiceValue> services() {
        return store.services();
    }

    Map<Integer, BackendValue> backends() {
        return store.backends();
    }

    Map<Integer, RevNatValue> revNats() {
        return store.revNats();
    }

    /** Makes the {@code n}-th write attempt from now fail (1 = the next one). */
    void failNthWrite(int n) {
        failAt = attempts + n;
    }

    /**
     * Makes every table report {@code max} as its {@link TypedMap#maxEntries()} and refuse a new key
     * once it holds that many, as a kernel map does ({@link MapFullException}); -1: neither.
     */
    void maxEntries(int max) {
        maxEntries = max;
    }

    /** Cancels a pending {@link #failNthWrite}. */
    void disarm() {
        failAt = -1;
    }

    List<String> ops() {
        return List.copyOf(ops);
    }

    void clearOps() {
        ops.clear();
    }

    void clearViolations() {
        violations.clear();
    }

    /** Every moment (after a write) where a header's slots, backends or reverse NAT were missing. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    private <K, V> TypedMap<K, V> recording(TypedMap<K, V> inner, java.util.function.BiFunction<K, V, String> putOp,
                                            Function<K, String> deleteOp) {
        return new TypedMap<>() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public void put(K key, V value) {
                write(putOp.apply(key, value), () -> {
                    if (maxEntries >= 0 && !inner.entries().containsKey(key) && inner.entries().size() >= maxEntries) {
                        throw new MapFullException(inner.name(), maxEntries, "map full", null);
                    }
                    inner.put(key, value);
                });
            }

            @Override
            public int maxEntries() {
                return maxEntries;
            }

            @Override
            public void delete(K key) {
                write(deleteOp.apply(key), () -> inner.delete(key));
            }

            @Override
            public Map<K, V> entries() {
                return inner.entries();
            }
        };
    }

    private void write(String op, Runnable action) {
        attempts++;
        if (attempts == failAt) {
            failAt = -1;
            throw new MapWriteException("injected failure of write #" + attempts + " (" + op + ")");
        }
        action.run();
        ops.add(op);
        checkInvariant(op);
    }

    /**
     * What a reader relies on: header count c => slots 1..c exist, point at backends of the family; revnat
     * exists; the source-range flag => ranges of the frontend exist.
     */
    private void checkInvariant(String after) {
        Map<ServiceKey, ServiceValue> services = store.maps().services().entries();
        Map<BackendKey, BackendValue> backends = store.maps().backends().entries();
        Map<RevNatKey, RevNatValue> revNats = store.maps().revNats().entries();
        var ranges = store.maps().sourceRanges().entries().keySet();
        services.forEach((key, value) -> {
            if (key.slot() != 0) return;
            if ((value.flags() & ServiceValue.FLAG_SOURCE_RANGES) != 0 && ranges.stream()
                    .noneMatch(r -> r.serviceId() == value.serviceId() && r.family() == key.family())) {
                violations.add("after " + after + ": " + fmt(key) + " restricts sources but has no source range");
            }
            if (!revNats.containsKey(new RevNatKey(key.family(), value.serviceId()))) {
                violations.add("after " + after + ": " + fmt(key) + " has no revnat " + value.serviceId());
            }
            for (int slot = 1; slot <= value.count(); slot++) {
                ServiceValue s = services.get(key.withSlot(slot));
                if (s == null) {
                    violations.add("after " + after + ": " + fmt(key.withSlot(slot)) + " missing");
                } else if (!backends.containsKey(new BackendKey(key.family(), s.backendId()))) {
                    violations.add("after " + after + ": " + fmt(key.withSlot(slot)) + " -> missing backend " + s.backendId());
                }
            }
        });
    }

    static String fmt(ServiceKey k) {
        return k.address().withPort(k.port()) + "/" + k.proto() + "/" + k.scope() + "#" + k.slot();
    }
}
