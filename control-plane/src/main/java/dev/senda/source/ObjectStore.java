package dev.senda.source;

import dev.senda.model.EndpointSlice;
import dev.senda.model.Namespace;
import dev.senda.model.NetworkPolicy;
import dev.senda.model.ObjectKind;
import dev.senda.model.ObjectRef;
import dev.senda.model.Pod;
import dev.senda.model.Service;
import dev.senda.model.Snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The current view of every object a source delivered, one table per kind ({@link ObjectKind}, as
 * declared in {@link Kinds}). Thread-safe: sources write from their own threads, the sync loop reads
 * {@link #snapshot()} from another.
 *
 * <p>Writes report whether they changed anything, so a source can skip waking the sync loop for an
 * update that carried nothing Senda looks at (a status change, a resync replay). Every effective change
 * bumps {@link #generation()}.
 *
 * <p>Change tracking, for incremental syncs: every effective change is also recorded until the next
 * {@link #takeChanges()}, as the Services it affects ({@link ServiceChanges}). An EndpointSlice change
 * dirties the Service its {@value EndpointSlice#SERVICE_NAME_LABEL} label names before and after the
 * change; anything else desired state reads (a Node, an unlabeled slice, a replacement of whole kinds)
 * marks the changes full. An index of slices by Service keeps reading a dirty Service's slices
 * proportional to their number.
 */
public final class ObjectStore {
    /** By {@link ObjectKind#type()}; tables are never removed, only emptied. */
    private final Map<Class<?>, Table<?>> tables = new HashMap<>();
    private long generation;
    /** Slice refs by the Service ref their label names (namespace of the slice), sorted. */
    private final Map<ObjectRef, TreeSet<ObjectRef>> slicesByService = new HashMap<>();
    private final Set<ObjectRef> dirtyServices = new HashSet<>();
    private final Set<ObjectRef> dirtySlices = new HashSet<>();
    private boolean dirtyFull;
    private boolean dirtyPolicy;
    private long firstChangeNanos;

    /** The current objects of one kind. */
    private record Table<T>(ObjectKind<T> kind, Map<ObjectRef, T> objects) {
    }

    /** Records the current state of an object. @return true when the store changed */
    public synchronized <T> boolean put(ObjectKind<T> kind, T object) {
        Objects.requireNonNull(object, "object");
        if (!kind.type().isInstance(object)) {
            throw new IllegalArgumentException(kind.kind() + ": not a " + kind.type().getName() + ": " + object);
        }
        Map<ObjectRef, T> objects = table(kind).objects();
        ObjectRef ref = kind.refOf(object);
        T before = objects.put(ref, object);
        if (object.equals(before)) {
            // keep the instance held so far: the last synced snapshot shares it, and two equal copies
            // of every object would live on after a relist or a replayed event
            objects.put(ref, before);
            return false;
        }
        track(kind.type(), before, object);
        return changed(true);
    }

    /** Forgets an object. @return true when the store changed */
    public synchronized boolean remove(ObjectKind<?> kind, ObjectRef ref) {
        Table<?> t = tables.get(kind.type());
        Object before = t == null ? null : t.objects().remove(ref);
        if (before == null) return false;
        track(kind.type(), before, null);
        return changed(true);
    }

    /**
     * The changes since the previous call, with the current objects of the dirty Services and slices
     * (read under the same lock as the changes), and forgets them. Cost: proportional to the changes
     * (nothing but a flag when they are full).
     */
    public synchronized ServiceChanges takeChanges() {
        long first = firstChangeNanos;
        ServiceChanges out;
        if (dirtyFull) {
            out = ServiceChanges.fullResync(first);
        } else {
            TreeMap<ObjectRef, Optional<Service>> services = new TreeMap<>();
            Map<ObjectRef, List<EndpointSlice>> slicesOf = new HashMap<>();
            Map<ObjectRef, Object> svcTable = objectsOf(Service.class);
            Map<ObjectRef, Object> sliceTable = objectsOf(EndpointSlice.class);
            for (ObjectRef ref : dirtyServices) {
                services.put(ref, Optional.ofNullable((Service) svcTable.get(ref)));
                List<EndpointSlice> slices = new ArrayList<>();
                for (ObjectRef s : slicesByService.getOrDefault(ref, new TreeSet<>())) {
                    slices.add((EndpointSlice) sliceTable.get(s));
                }
                slicesOf.put(ref, slices);
            }
            TreeMap<ObjectRef, Optional<EndpointSlice>> slices = new TreeMap<>();
            for (ObjectRef ref : dirtySlices) slices.put(ref, Optional.ofNullable((EndpointSlice) sliceTable.get(ref)));
            out = new ServiceChanges(false, dirtyPolicy, services, slicesOf, slices, first);
        }
        dirtyServices.clear();
        dirtySlices.clear();
        dirtyFull = false;
        dirtyPolicy = false;
        firstChangeNanos = 0;
        return out;
    }

    @SuppressWarnings("unchecked") // tables hold objects of their kind's type
    private Map<ObjectRef, Object> objectsOf(Class<?> type) {
        Table<?> t = tables.get(type);
        return t == null ? Map.of() : (Map<ObjectRef, Object>) t.objects();
    }

    /** Records one effective change of an object of {@code type} ({@code before}/{@code after} null: absent). */
    private void track(Class<?> type, Object before, Object after) {
        boolean policyOnly = type == Pod.class || type == Namespace.class || type == NetworkPolicy.class;
        // "event received to map written" times Service, EndpointSlice and Node changes: a Pod change
        // before an endpoint change must not make the endpoint change look slow.
        if (firstChangeNanos == 0 && !policyOnly) firstChangeNanos = System.nanoTime();
        if (type == Service.class) {
            dirtyServices.add(((Service) (after != null ? after : before)).ref());
        } else if (type == EndpointSlice.class) {
            trackSlice((EndpointSlice) before, (EndpointSlice) after);
        } else if (policyOnly) {
            dirtyPolicy = true;
        } else {
            dirtyFull = true; // a Node, or a kind desired state may read as a whole
        }
    }

    private void trackSlice(EndpointSlice before, EndpointSlice after) {
        EndpointSlice any = after != null ? after : before;
        dirtySlices.add(any.ref());
        for (EndpointSlice s : new EndpointSlice[] {before, after}) {
            if (s == null) continue;
            ObjectRef svc = owner(s);
            if (svc == null) dirtyFull = true; // unlabeled: its addresses still reserve load-balancer IPs
            else dirtyServices.add(svc);
        }
        if (before != null && owner(before) != null) {
            TreeSet<ObjectRef> refs = slicesByService.get(owner(before));
            if (refs != null) {
                refs.remove(before.ref());
                if (refs.isEmpty()) slicesByService.remove(owner(before));
            }
        }
        if (after != null && owner(after) != null) {
            slicesByService.computeIfAbsent(owner(after), k -> new TreeSet<>()).add(after.ref());
        }
    }

    private static ObjectRef owner(EndpointSlice s) {
        return s.serviceName() == null || s.serviceName().isEmpty() ? null
                : new ObjectRef(s.ref().namespace(), s.serviceName());
    }

    /** After a replacement of whole tables: the slice index anew, and the next changes full. */
    private void replaced() {
        slicesByService.clear();
        for (Object o : objectsOf(EndpointSlice.class).values()) {
            EndpointSlice s = (EndpointSlice) o;
            if (owner(s) != null) slicesByService.computeIfAbsent(owner(s), k -> new TreeSet<>()).add(s.ref());
        }
        if (firstChangeNanos == 0) firstChangeNanos = System.nanoTime();
        dirtyFull = true;
        dirtyPolicy = true;
    }

    /**
     * Replaces the whole content, every kind, at once with the objects of {@code content} (its
     * generation is ignored). A source that re-reads everything, like a directory rescan, uses this so
     * a reader never sees half of a change; a kind absent from {@code content} ends up empty.
     *
     * @return true when the store changed
     */
    public synchronized boolean replaceAll(Snapshot content) {
        if (holds(content)) return false;
        tables.values().forEach(t -> t.objects().clear());
        for (ObjectKind<?> kind : content.kinds()) copy(kind, content);
        replaced();
        return changed(true);
    }

    /**
     * Replaces the objects of each of {@code kinds} with those {@code content} holds of it, in one step
     * (other kinds are untouched). A source that has listed some kinds afresh uses this: an object
     * missing from a complete list was deleted meanwhile, and everything listed is current.
     *
     * @return true when the store changed
     */
    public synchronized boolean replaceKinds(Snapshot content, java.util.Collection<? extends ObjectKind<?>> kinds) {
        boolean changed = false;
        for (ObjectKind<?> kind : kinds) changed |= replaceKind(kind, content);
        if (changed) replaced();
        return changed(changed);
    }

    private <T> boolean replaceKind(ObjectKind<T> kind, Snapshot content) {
        Map<ObjectRef, T> next = content.all(kind);
        Map<ObjectRef, T> objects = table(kind).objects();
        boolean same = objects.equals(next);
        // The new instances even when equal: they are the ones the source's caches hold now (a relist on a
        // new connection converts everything afresh), and keeping the old ones would keep two copies.
        objects.clear();
        objects.putAll(next);
        return !same;
    }

    /** Whether the store holds exactly the objects of {@code content}; linear, copies nothing. */
    private boolean holds(Snapshot content) {
        int nonEmpty = 0;
        for (Table<?> t : tables.values()) {
            if (t.objects().isEmpty()) continue;
            nonEmpty++;
            if (!t.objects().equals(content.all(t.kind()))) return false;
        }
        return nonEmpty == content.kinds().size();
    }

    private <T> void copy(ObjectKind<T> kind, Snapshot content) {
        table(kind).objects().putAll(content.all(kind));
    }

    /** An immutable copy of the current content; cost is linear in the number of objects. */
    public synchronized Snapshot snapshot() {
        return current();
    }

    /**
     * An immutable copy of the objects of {@code kinds} only (the others absent): for a reader of a few
     * kinds, such as NetworkPolicy's Pods, Namespaces and policies, at a cost linear in those alone.
     */
    public synchronized Snapshot snapshotOf(java.util.Collection<? extends ObjectKind<?>> kinds) {
        Snapshot.Builder b = Snapshot.builder().generation(generation);
        for (ObjectKind<?> kind : kinds) {
            Table<?> t = tables.get(kind.type());
            if (t != null) addTo(b, t);
        }
        return b.build();
    }

    /** How many objects of {@code kind} the store holds: for logs, without copying anything. */
    public synchronized int count(ObjectKind<?> kind) {
        Table<?> t = tables.get(kind.type());
        return t == null ? 0 : t.objects().size();
    }

    /** Increases with every effective change. */
    public synchronized long generation() {
        return generation;
    }

    private Snapshot current() {
        Snapshot.Builder b = Snapshot.builder().generation(generation);
        for (Table<?> t : tables.values()) addTo(b, t);
        return b.build();
    }

    private static <T> void addTo(Snapshot.Builder b, Table<T> t) {
        b.putAll(t.kind(), t.objects().values());
    }

    private <T> Table<T> table(ObjectKind<T> kind) {
        @SuppressWarnings("unchecked") // keyed by type, so the table's kind has the same T
        Table<T> t = (Table<T>) tables.computeIfAbsent(kind.type(), k -> new Table<>(kind, new HashMap<>()));
        return t;
    }

    private boolean changed(boolean changed) {
        if (changed) generation++;
        return changed;
    }
}
