package dev.senda.maps.lb;

import java.util.Map;

/**
 * The one narrow interface through which the control plane writes load-balancer state.
 *
 * <p>Implementations: {@code KernelLbMaps} (pinned BPF maps), {@code InMemoryLbMaps} (tests) and
 * {@code FaultInjectingLbMaps} (tests of idempotence under failed writes).
 *
 * <p>Contract: every put is an upsert and every delete of a missing key succeeds, so a retried
 * write is harmless. A failed write throws {@link MapWriteException} and leaves the entry as it
 * was before the call. Ordering between calls is the caller's business (see the reconciler).
 */
public interface LbMaps extends AutoCloseable {

    void putBackend(int backendId, BackendValue value);

    void deleteBackend(int backendId);

    void putService(ServiceKey key, ServiceValue value);

    void deleteService(ServiceKey key);

    void putRevNat(int serviceId, RevNatValue value);

    void deleteRevNat(int serviceId);

    /** Snapshot of {@code senda_svc4_v1}. */
    Map<ServiceKey, ServiceValue> services();

    /** Snapshot of {@code senda_backend4_v1}. */
    Map<Integer, BackendValue> backends();

    /** Snapshot of {@code senda_revnat4_v1}. */
    Map<Integer, RevNatValue> revNats();

    @Override
    default void close() {
    }
}
