package dev.senda.agent;

import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.Snapshot;
import dev.senda.source.ServiceChanges;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What each successful sync programmed that the previous one had not: the Service and EndpointSlice
 * changes (kube-proxy's {@code kubeproxy_sync_proxy_rules_service_changes_total} and
 * {@code ..._endpoint_changes_total}) and the network-programming latencies of the slices' trigger
 * times (kube-proxy's {@code kubeproxy_network_programming_duration_seconds}).
 *
 * <p>Changes are counted by comparing the programmed snapshot with the last programmed one, so an
 * object that changed several times between two syncs counts once (kube-proxy counts informer events;
 * the difference only shows under bursts, which the runner coalesces). The first sync counts every
 * object, as kube-proxy's initial list does.
 *
 * <p>Latency, as upstream's SLI: for every slice programmed in a new version whose
 * {@link EndpointSlice#lastChangeTriggerTime()} is new and not before the agent started (older
 * triggers would measure the agent's downtime, not programming), the time from the trigger to the
 * end of the sync. Not thread-safe: the sync thread owns it.
 */
final class ProgrammedChanges {
    /**
     * @param services       Services added, changed or removed
     * @param endpointSlices EndpointSlices added, changed or removed
     * @param latencies      trigger-time-to-programmed durations, one per newly programmed trigger
     */
    record Delta(int services, int endpointSlices, List<Duration> latencies) {
        Delta {
            latencies = List.copyOf(latencies);
        }
    }

    private final Instant startedAt;
    private Map<ObjectRef, Service> services = new HashMap<>();
    private Map<ObjectRef, EndpointSlice> slices = new HashMap<>();

    /** @param startedAt when the agent started: earlier trigger times are not measured */
    ProgrammedChanges(Instant startedAt) {
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Records that {@code snapshot} was programmed completely by a sync that ended at {@code now}. */
    Delta programmed(Snapshot snapshot, Instant now) {
        int serviceChanges = changed(services, snapshot.services());
        int sliceChanges = changed(slices, snapshot.endpointSlices());
        List<Duration> latencies = new ArrayList<>();
        for (EndpointSlice slice : snapshot.endpointSlices().values()) latency(slice, now).ifPresent(latencies::add);
        services = new HashMap<>(snapshot.services());
        slices = new HashMap<>(snapshot.endpointSlices());
        return new Delta(serviceChanges, sliceChanges, latencies);
    }

    /**
     * Records that the objects {@code changes} names were programmed, as they are in it, by an
     * incremental sync that ended at {@code now}: the same counts and latencies as {@link #programmed(Snapshot, Instant)}
     * of the whole store would give, at a cost proportional to the changes.
     */
    Delta programmed(ServiceChanges changes, Instant now) {
        int serviceChanges = 0;
        for (Map.Entry<ObjectRef, Optional<Service>> e : changes.services().entrySet()) {
            Service now0 = e.getValue().orElse(null);
            Service before = now0 == null ? services.remove(e.getKey()) : services.put(e.getKey(), now0);
            if (!Objects.equals(before, now0)) serviceChanges++;
        }
        int sliceChanges = 0;
        List<Duration> latencies = new ArrayList<>();
        for (Map.Entry<ObjectRef, Optional<EndpointSlice>> e : changes.slices().entrySet()) {
            EndpointSlice slice = e.getValue().orElse(null);
            if (slice != null) latency(slice, now).ifPresent(latencies::add);
            EndpointSlice before = slice == null ? slices.remove(e.getKey()) : slices.put(e.getKey(), slice);
            if (!Objects.equals(before, slice)) sliceChanges++;
        }
        return new Delta(serviceChanges, sliceChanges, latencies);
    }

    /** The slice's new trigger time's latency, if it has one to measure (before it is recorded as programmed). */
    private Optional<Duration> latency(EndpointSlice slice, Instant now) {
        Optional<Instant> trigger = slice.lastChangeTriggerTime();
        if (trigger.isEmpty() || trigger.get().isBefore(startedAt) || trigger.get().isAfter(now)) return Optional.empty();
        EndpointSlice before = slices.get(slice.ref());
        if (before != null && before.lastChangeTriggerTime().equals(trigger)) return Optional.empty();
        return Optional.of(Duration.between(trigger.get(), now));
    }

    private static <T> int changed(Map<ObjectRef, T> before, Map<ObjectRef, T> after) {
        int n = 0;
        for (Map.Entry<ObjectRef, T> e : after.entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) n++;
        }
        for (ObjectRef ref : before.keySet()) {
            if (!after.containsKey(ref)) n++;
        }
        return n;
    }
}
