package dev.senda.reconcile;

import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The reconciler's belief of what the LB maps hold: an exact mirror of every entry, updated only
 * after a write has succeeded. Because a failed write leaves its entry unchanged (the
 * {@link LbMaps} contract), this view always equals what really landed, and the next apply's
 * diff is exactly the set of writes still missing.
 *
 * <p>Service entries are grouped by frontend, identified by the key's slot-0 form (so groups work
 * for entries found on restore that no {@code Frontend} can represent, e.g. port 0).
 *
 * <p>Not thread-safe; owned by one {@link LbReconciler}.
 */
final class AppliedState {
    /** Deterministic order for frontend keys: {@link dev.senda.desired.Frontend}'s. */
    static final Comparator<ServiceKey> FRONTEND_ORDER = LbEncoding.FRONTEND_ORDER;

    private final Map<ServiceKey, TreeMap<Integer, ServiceValue>> services = new HashMap<>();
    private final TreeMap<Integer, BackendValue> backends = new TreeMap<>();
    private final TreeMap<Integer, RevNatValue> revNats = new TreeMap<>();

    /** A mirror of everything {@code maps} holds now. */
    static AppliedState read(LbMaps maps) {
        AppliedState s = new AppliedState();
        maps.services().forEach(s::putService);
        maps.backends().forEach(s::putBackend);
        maps.revNats().forEach(s::putRevNat);
        return s;
    }

    ServiceValue service(ServiceKey key) {
        TreeMap<Integer, ServiceValue> group = services.get(key.withSlot(0));
        return group == null ? null : group.get(key.slot());
    }

    void putService(ServiceKey key, ServiceValue value) {
        services.computeIfAbsent(key.withSlot(0), k -> new TreeMap<>()).put(key.slot(), value);
    }

    void removeService(ServiceKey key) {
        ServiceKey group = key.withSlot(0);
        TreeMap<Integer, ServiceValue> slots = services.get(group);
        if (slots == null) return;
        slots.remove(key.slot());
        if (slots.isEmpty()) services.remove(group);
    }

    /** True when any entry (header or slot) of this frontend is present. */
    boolean hasFrontend(ServiceKey headerKey) {
        return services.containsKey(headerKey.withSlot(0));
    }

    /** Entries of one frontend by slot (0 = header); empty when none. A copy: safe to iterate while writing. */
    SortedMap<Integer, ServiceValue> entriesOf(ServiceKey headerKey) {
        TreeMap<Integer, ServiceValue> slots = services.get(headerKey.withSlot(0));
        return slots == null ? Collections.emptySortedMap() : new TreeMap<>(slots);
    }

    /** Slot-0 keys of every frontend with at least one entry, in {@link #FRONTEND_ORDER}. */
    List<ServiceKey> frontendKeys() {
        List<ServiceKey> keys = new ArrayList<>(services.keySet());
        keys.sort(FRONTEND_ORDER);
        return keys;
    }

    BackendValue backend(int id) {
        return backends.get(id);
    }

    void putBackend(int id, BackendValue value) {
        backends.put(id, value);
    }

    void removeBackend(int id) {
        backends.remove(id);
    }

    /** Backend entries by id (a copy). */
    SortedMap<Integer, BackendValue> backends() {
        return new TreeMap<>(backends);
    }

    RevNatValue revNat(int serviceId) {
        return revNats.get(serviceId);
    }

    void putRevNat(int serviceId, RevNatValue value) {
        revNats.put(serviceId, value);
    }

    void removeRevNat(int serviceId) {
        revNats.remove(serviceId);
    }

    /** Reverse-NAT entries by service id (a copy). */
    SortedMap<Integer, RevNatValue> revNats() {
        return new TreeMap<>(revNats);
    }

    /** Every service id the maps mention: in headers, in slots, as reverse-NAT keys. */
    Set<Integer> referencedServiceIds() {
        Set<Integer> ids = new HashSet<>(revNats.keySet());
        services.values().forEach(slots -> slots.values().forEach(v -> ids.add(v.serviceId())));
        return ids;
    }

    /** Every backend id the maps mention: backend entries and ids held by slots. */
    Set<Integer> referencedBackendIds() {
        Set<Integer> ids = new HashSet<>(backends.keySet());
        services.values().forEach(slots -> slots.forEach((slot, v) -> {
            if (slot > 0) ids.add(v.backendId());
        }));
        return ids;
    }

    /**
     * How many slots point at each backend id. This is the backends' reference count; it is
     * derived from the slots themselves rather than kept alongside them, so it cannot drift.
     */
    Map<Integer, Integer> backendRefCounts() {
        Map<Integer, Integer> counts = new TreeMap<>();
        services.values().forEach(slots -> slots.forEach((slot, v) -> {
            if (slot > 0) counts.merge(v.backendId(), 1, Integer::sum);
        }));
        return counts;
    }

    int serviceEntryCount() {
        return services.values().stream().mapToInt(Map::size).sum();
    }

    int headerCount() {
        return (int) services.values().stream().filter(s -> s.containsKey(0)).count();
    }

    int backendCount() {
        return backends.size();
    }

    int revNatCount() {
        return revNats.size();
    }
}
