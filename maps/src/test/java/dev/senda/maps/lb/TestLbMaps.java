package dev.senda.maps.lb;

import dev.senda.net.IpFamily;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test view of {@link LbMaps} with id-keyed accessors: backends and reverse NATs by bare id (as the
 * C maps key them), both families merged, so tests can say "backend 2" without naming a family.
 * Writes pick the family from the value (backends, reverse NAT) or the key (services).
 */
public final class TestLbMaps {
    private final LbMaps maps;

    /** Over fresh in-memory tables. */
    public TestLbMaps() {
        this(LbMaps.inMemory());
    }

    public TestLbMaps(LbMaps maps) {
        this.maps = maps;
    }

    /** The tables themselves, for the code under test. */
    public LbMaps maps() {
        return maps;
    }

    public void putBackend(int id, BackendValue value) {
        maps.backends().put(new BackendKey(value.address().family(), id), value);
    }

    public void deleteBackend(int id) {
        for (IpFamily f : IpFamily.values()) maps.backends().delete(new BackendKey(f, id));
    }

    public void putService(ServiceKey key, ServiceValue value) {
        maps.services().put(key, value);
    }

    public void deleteService(ServiceKey key) {
        maps.services().delete(key);
    }

    public void putRevNat(int serviceId, RevNatValue value) {
        maps.revNats().put(new RevNatKey(value.address().family(), serviceId), value);
    }

    public void deleteRevNat(int serviceId) {
        for (IpFamily f : IpFamily.values()) maps.revNats().delete(new RevNatKey(f, serviceId));
    }

    public void putSourceRange(SourceRangeKey key) {
        maps.sourceRanges().put(key, SourceRangeValue.ALLOW);
    }

    /** Source ranges of both families, in key order. */
    public java.util.SortedSet<SourceRangeKey> sourceRanges() {
        return Collections.unmodifiableSortedSet(new java.util.TreeSet<>(maps.sourceRanges().entries().keySet()));
    }

    public Map<ServiceKey, ServiceValue> services() {
        return Collections.unmodifiableMap(new HashMap<>(maps.services().entries()));
    }

    /** Backends of both families by id. */
    public Map<Integer, BackendValue> backends() {
        Map<Integer, BackendValue> out = new TreeMap<>();
        maps.backends().entries().forEach((k, v) -> out.put(k.id(), v));
        return Collections.unmodifiableMap(out);
    }

    /** Reverse NATs of both families by service id. */
    public Map<Integer, RevNatValue> revNats() {
        Map<Integer, RevNatValue> out = new TreeMap<>();
        maps.revNats().entries().forEach((k, v) -> out.put(k.serviceId(), v));
        return Collections.unmodifiableMap(out);
    }
}
