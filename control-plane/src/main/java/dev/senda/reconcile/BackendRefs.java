package dev.senda.reconcile;

import dev.senda.desired.EndpointState;

import java.util.HashMap;
import java.util.Map;

/**
 * How many desired frontends reference each backend id, and how many of them as an active backend:
 * the backend entry is shared, so it says ACTIVE while any frontend uses it actively (as a full plan
 * merges it), and it is wanted while any frontend references it at all. Not thread-safe.
 *
 * <p>Keyed by id in a hash map, not in arrays indexed by id: ids are handed out round-robin up to
 * 2^24, so after enough rollouts the ids in use are few but large, and memory must follow how many
 * ids are referenced, not the largest one.
 */
final class BackendRefs {
    /** By backend id: {all references, active references}; an id without references has no entry. */
    private final Map<Integer, int[]> counts;

    BackendRefs() {
        this(16);
    }

    /** Sized for about {@code expectedIds} referenced ids. */
    BackendRefs(int expectedIds) {
        counts = HashMap.newHashMap(expectedIds);
    }

    void add(int id, EndpointState state) {
        int[] c = counts.computeIfAbsent(id, k -> new int[2]);
        c[0]++;
        if (state == EndpointState.ACTIVE) c[1]++;
    }

    void remove(int id, EndpointState state) {
        int[] c = counts.get(id);
        if (c == null) throw new IllegalStateException("backend id " + id + " has no reference to remove");
        if (state == EndpointState.ACTIVE) c[1]--;
        if (--c[0] == 0) counts.remove(id);
    }

    /** The state the shared entry should say; null when nothing references the id. */
    EndpointState state(int id) {
        int[] c = counts.get(id);
        if (c == null) return null;
        return c[1] > 0 ? EndpointState.ACTIVE : EndpointState.TERMINATING;
    }

    /** Referenced backend ids. */
    int size() {
        return counts.size();
    }

    void clear() {
        counts.clear();
    }
}
