package dev.senda.source;

import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.Collections;
import java.util.TreeMap;

/**
 * What changed in an {@link ObjectStore} since the previous {@link ObjectStore#takeChanges()}, with the
 * current objects each change needs, read in one step (consistent with each other).
 *
 * <p>A Service is <em>dirty</em> when it changed, or when an EndpointSlice whose
 * {@value EndpointSlice#SERVICE_NAME_LABEL} label names it (before or after the change) changed.
 * Changes that desired state cannot attribute to Services (a Node, a slice without the label, a
 * whole-store replacement) make the change set {@link #full()}: the reader must then work from a
 * {@link ObjectStore#snapshot()} instead, and the dirty maps are empty.
 *
 * @param full          whether only a full recomputation is correct
 * @param policyChanged whether a Pod, Namespace or NetworkPolicy changed (NetworkPolicy's inputs), or
 *                      the store was replaced
 * @param services      each dirty Service by ref, with its current object (empty: deleted or never seen)
 * @param slicesOf      each dirty Service's current EndpointSlices, sorted by ref (may be empty)
 * @param slices        each changed EndpointSlice by ref, with its current object (empty: deleted)
 * @param firstChangeNanos {@link System#nanoTime()} when the first Service, EndpointSlice or Node change of these reached the store
 *                      (0 when there were none): the start of "event received to map written"
 */
public record ServiceChanges(boolean full, boolean policyChanged, SortedMap<ObjectRef, Optional<Service>> services,
                             Map<ObjectRef, List<EndpointSlice>> slicesOf,
                             SortedMap<ObjectRef, Optional<EndpointSlice>> slices, long firstChangeNanos) {
    public ServiceChanges {
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        slicesOf = Map.copyOf(slicesOf);
        slices = Collections.unmodifiableSortedMap(new TreeMap<>(slices));
        for (ObjectRef ref : services.keySet()) Objects.requireNonNull(slicesOf.get(ref), "slices of " + ref);
    }

    /** A change set that says "recompute everything". */
    public static ServiceChanges fullResync(long firstChangeNanos) {
        return new ServiceChanges(true, true, new TreeMap<>(), Map.of(), new TreeMap<>(), firstChangeNanos);
    }

    /** Whether nothing changed. */
    public boolean isEmpty() {
        return !full && !policyChanged && services.isEmpty() && slices.isEmpty();
    }
}
