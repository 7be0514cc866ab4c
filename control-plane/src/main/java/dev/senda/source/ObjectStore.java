package dev.senda.source;

import dev.senda.model.ObjectKind;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The current view of every object a source delivered, one table per kind ({@link ObjectKind}, as
 * declared in {@link Kinds}). Thread-safe: sources write from their own threads, the sync loop reads
 * {@link #snapshot()} from another.
 *
 * <p>Writes report whether they changed anything, so a source can skip waking the sync loop for an
 * update that carried nothing Senda looks at (a status change, a resync replay). Every effective change
 * bumps {@link #generation()}.
 */
public final class ObjectStore {
    /** By {@link ObjectKind#type()}; tables are never removed, only emptied. */
    private final Map<Class<?>, Table<?>> tables = new HashMap<>();
    private long generation;

    /** The current objects of one kind. */
    private record Table<T>(ObjectKind<T> kind, Map<ObjectRef, T> objects) {
    }

    /** Records the current state of an object. @return true when the store changed */
    public synchronized <T> boolean put(ObjectKind<T> kind, T object) {
        Objects.requireNonNull(object, "object");
        if (!kind.type().isInstance(object)) {
            throw new IllegalArgumentException(kind.kind() + ": not a " + kind.type().getName() + ": " + object);
        }
        return changed(!object.equals(table(kind).objects().put(kind.refOf(object), object)));
    }

    /** Forgets an object. @return true when the store changed */
    public synchronized boolean remove(ObjectKind<?> kind, ObjectRef ref) {
        Table<?> t = tables.get(kind.type());
        return changed(t != null && t.objects().remove(ref) != null);
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
        return changed(changed);
    }

    private <T> boolean replaceKind(ObjectKind<T> kind, Snapshot content) {
        Map<ObjectRef, T> next = content.all(kind);
        Map<ObjectRef, T> objects = table(kind).objects();
        if (objects.equals(next)) return false;
        objects.clear();
        objects.putAll(next);
        return true;
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
