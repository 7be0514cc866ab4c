package dev.senda.model;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable, consistent view of every object a source delivered, sorted by {@link ObjectRef}.
 *
 * @param generation increases by at least one with every change to the store the snapshot was taken
 *                   from, so a consumer can tell cheaply whether anything changed since its last look
 */
public record Snapshot(SortedMap<ObjectRef, Service> services, SortedMap<ObjectRef, EndpointSlice> endpointSlices,
                       long generation) {
    public Snapshot {
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        endpointSlices = Collections.unmodifiableSortedMap(new TreeMap<>(endpointSlices));
    }

    public static Snapshot empty() {
        return new Snapshot(new TreeMap<>(), new TreeMap<>(), 0);
    }

    /** A snapshot of the given objects (a later object with the same ref replaces an earlier one). */
    public static Snapshot of(Collection<Service> services, Collection<EndpointSlice> slices) {
        TreeMap<ObjectRef, Service> s = new TreeMap<>();
        for (Service svc : services) s.put(svc.ref(), svc);
        TreeMap<ObjectRef, EndpointSlice> e = new TreeMap<>();
        for (EndpointSlice slice : slices) e.put(slice.ref(), slice);
        return new Snapshot(s, e, 0);
    }
}
