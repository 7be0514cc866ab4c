package dev.senda.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable, consistent view of every object a source delivered: one table per {@link ObjectKind},
 * each sorted by {@link ObjectRef}, so every iteration is deterministic.
 *
 * <p>Typed access: {@code snapshot.all(Kinds.SERVICE)} for any kind; {@link #services()} and
 * {@link #endpointSlices()} are shorthands for the two kinds desired state reads today. A kind
 * without objects reads as an empty map, never null, so a consumer needs no case for "not delivered".
 *
 * <p>{@link #generation()} increases by at least one with every change to the store the snapshot
 * was taken from, so a consumer can tell cheaply whether anything changed since its last look.
 */
public final class Snapshot {
    private static final ObjectKind<Service> SERVICES = ObjectKind.of("Service", Service.class, Service::ref);
    private static final ObjectKind<EndpointSlice> ENDPOINT_SLICES =
            ObjectKind.of("EndpointSlice", EndpointSlice.class, EndpointSlice::ref);
    private static final Snapshot EMPTY = new Snapshot(Map.of(), 0);

    /** By {@link ObjectKind#type()}; never holds an empty table, so equal content means equal maps. */
    private final Map<Class<?>, Table<?>> tables;
    private final long generation;

    /** The objects of one kind, sorted and unmodifiable. */
    private record Table<T>(ObjectKind<T> kind, SortedMap<ObjectRef, T> objects) {
    }

    private Snapshot(Map<Class<?>, Table<?>> tables, long generation) {
        this.tables = tables;
        this.generation = generation;
    }

    public static Snapshot empty() {
        return EMPTY;
    }

    /** A snapshot of the given objects (a later object with the same ref replaces an earlier one). */
    public static Snapshot of(Collection<Service> services, Collection<EndpointSlice> slices) {
        return builder().putAll(SERVICES, services).putAll(ENDPOINT_SLICES, slices).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every object of {@code kind}, by ref; empty when there is none. */
    public <T> SortedMap<ObjectRef, T> all(ObjectKind<T> kind) {
        Table<?> table = tables.get(kind.type());
        if (table == null) return Collections.emptySortedMap();
        @SuppressWarnings("unchecked") // a table's objects are instances of its kind's type (Builder#put)
        SortedMap<ObjectRef, T> objects = (SortedMap<ObjectRef, T>) table.objects();
        return objects;
    }

    /** Every Service, by ref. */
    public SortedMap<ObjectRef, Service> services() {
        return all(SERVICES);
    }

    /** Every EndpointSlice, by ref. */
    public SortedMap<ObjectRef, EndpointSlice> endpointSlices() {
        return all(ENDPOINT_SLICES);
    }

    public long generation() {
        return generation;
    }

    /** The kinds that have at least one object, ordered by kind name. */
    public List<ObjectKind<?>> kinds() {
        List<ObjectKind<?>> out = new ArrayList<>();
        for (Table<?> t : tables.values()) out.add(t.kind());
        out.sort(Comparator.comparing(ObjectKind::kind));
        return out;
    }

    /** How many objects of all kinds. */
    public int size() {
        int n = 0;
        for (Table<?> t : tables.values()) n += t.objects().size();
        return n;
    }

    /** Whether both hold the same objects, whatever their generations. */
    public boolean sameObjects(Snapshot other) {
        if (tables.size() != other.tables.size()) return false;
        for (Map.Entry<Class<?>, Table<?>> e : tables.entrySet()) {
            Table<?> theirs = other.tables.get(e.getKey());
            if (theirs == null || !e.getValue().objects().equals(theirs.objects())) return false;
        }
        return true;
    }

    /** Equal when they hold the same objects and have the same generation. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && generation == s.generation && sameObjects(s);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(generation);
        for (Table<?> t : tables.values()) h += t.objects().hashCode(); // order-independent, as equals
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Snapshot[generation=").append(generation);
        for (ObjectKind<?> kind : kinds()) sb.append(", ").append(kind.kind()).append('=').append(all(kind).keySet());
        return sb.append(']').toString();
    }

    /** Collects objects; a later object with the same kind and ref replaces an earlier one. */
    public static final class Builder {
        private final Map<Class<?>, Table<?>> tables = new HashMap<>();
        private long generation;

        private Builder() {
        }

        /** Adds or replaces one object. */
        public <T> Builder put(ObjectKind<T> kind, T object) {
            Objects.requireNonNull(object, "object");
            // A wrong type here would surface as a ClassCastException far away, in desired state.
            if (!kind.type().isInstance(object)) {
                throw new IllegalArgumentException(kind.kind() + ": not a " + kind.type().getName() + ": " + object);
            }
            table(kind).objects().put(kind.refOf(object), object);
            return this;
        }

        public <T> Builder putAll(ObjectKind<T> kind, Collection<? extends T> objects) {
            for (T o : objects) put(kind, o);
            return this;
        }

        public Builder generation(long generation) {
            this.generation = generation;
            return this;
        }

        /** The snapshot; the builder must not be used afterwards (its maps become the snapshot's). */
        public Snapshot build() {
            Map<Class<?>, Table<?>> out = new HashMap<>();
            tables.forEach((type, t) -> {
                if (!t.objects().isEmpty()) out.put(type, sealed(t));
            });
            return new Snapshot(Map.copyOf(out), generation);
        }

        private static <T> Table<T> sealed(Table<T> t) {
            return new Table<>(t.kind(), Collections.unmodifiableSortedMap(t.objects()));
        }

        private <T> Table<T> table(ObjectKind<T> kind) {
            @SuppressWarnings("unchecked") // keyed by type, so the table's kind has the same T
            Table<T> t = (Table<T>) tables.computeIfAbsent(kind.type(), k -> new Table<>(kind, new TreeMap<>()));
            return t;
        }
    }
}
