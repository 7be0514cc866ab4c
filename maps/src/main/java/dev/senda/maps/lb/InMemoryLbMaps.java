package dev.senda.maps.lb;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** {@link LbMaps} in plain Java maps, for unit tests and dry runs. Thread-safe. */
public class InMemoryLbMaps implements LbMaps {
    private final Map<ServiceKey, ServiceValue> services = new ConcurrentHashMap<>();
    private final Map<Integer, BackendValue> backends = new ConcurrentHashMap<>();
    private final Map<Integer, RevNatValue> revNats = new ConcurrentHashMap<>();

    @Override
    public void putBackend(int backendId, BackendValue value) {
        backends.put(backendId, value);
    }

    @Override
    public void deleteBackend(int backendId) {
        backends.remove(backendId);
    }

    @Override
    public void putService(ServiceKey key, ServiceValue value) {
        services.put(key, value);
    }

    @Override
    public void deleteService(ServiceKey key) {
        services.remove(key);
    }

    @Override
    public void putRevNat(int serviceId, RevNatValue value) {
        revNats.put(serviceId, value);
    }

    @Override
    public void deleteRevNat(int serviceId) {
        revNats.remove(serviceId);
    }

    @Override
    public Map<ServiceKey, ServiceValue> services() {
        return Map.copyOf(services);
    }

    @Override
    public Map<Integer, BackendValue> backends() {
        return Collections.unmodifiableMap(new TreeMap<>(backends));
    }

    @Override
    public Map<Integer, RevNatValue> revNats() {
        return Collections.unmodifiableMap(new TreeMap<>(revNats));
    }
}
