package dev.senda.source;

import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.Snapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The current view of every Service and EndpointSlice a source delivered. Thread-safe: sources write
 * from their own threads, the sync loop reads {@link #snapshot()} from another.
 *
 * <p>Writes report whether they changed anything, so a source can skip waking the sync loop for an
 * update that carried nothing Senda looks at (a status change, a resync replay). Every effective change
 * bumps {@link #generation()}.
 */
public final class ObjectStore {
    private final Map<ObjectRef, Service> services = new HashMap<>();
    private final Map<ObjectRef, EndpointSlice> slices = new HashMap<>();
    private long generation;

    /** Records the current state of a Service. @return true when the store changed */
    public synchronized boolean putService(Service service) {
        Objects.requireNonNull(service, "service");
        return changed(!service.equals(services.put(service.ref(), service)));
    }

    /** Forgets a Service. @return true when the store changed */
    public synchronized boolean removeService(ObjectRef ref) {
        return changed(services.remove(ref) != null);
    }

    /** Records the current state of an EndpointSlice. @return true when the store changed */
    public synchronized boolean putEndpointSlice(EndpointSlice slice) {
        Objects.requireNonNull(slice, "slice");
        return changed(!slice.equals(slices.put(slice.ref(), slice)));
    }

    /** Forgets an EndpointSlice. @return true when the store changed */
    public synchronized boolean removeEndpointSlice(ObjectRef ref) {
        return changed(slices.remove(ref) != null);
    }

    /**
     * Replaces the whole content at once (a source that re-reads everything, like a directory
     * rescan, uses this so a reader never sees half of a change).
     *
     * @return true when the store changed
     */
    public synchronized boolean replaceAll(Map<ObjectRef, Service> newServices,
                                           Map<ObjectRef, EndpointSlice> newSlices) {
        boolean changed = !services.equals(newServices) || !slices.equals(newSlices);
        if (changed) {
            services.clear();
            services.putAll(newServices);
            slices.clear();
            slices.putAll(newSlices);
        }
        return changed(changed);
    }

    /** An immutable copy of the current content; cost is linear in the number of objects. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(new TreeMap<>(services), new TreeMap<>(slices), generation);
    }

    /** Increases with every effective change. */
    public synchronized long generation() {
        return generation;
    }

    private boolean changed(boolean changed) {
        if (changed) generation++;
        return changed;
    }
}
