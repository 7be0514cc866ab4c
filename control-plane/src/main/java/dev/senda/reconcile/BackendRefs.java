package dev.senda.reconcile;

import dev.senda.desired.EndpointState;

import java.util.HashMap;
import java.util.Map;

/**
 * How many desired frontends reference each backend id, and how many of them as an active backend:
 * the backend entry is shared, so it says ACTIVE while any frontend uses it actively (as a full plan
 * merges it), and it is wanted while any frontend references it at all. Not thread-safe.
 */
final class BackendRefs {
    /** By backend id: {all references, active references}. */
    private final Map<Integer, int[]> refs = new HashMap<>();

    void add(int id, EndpointState state) {
        int[] r = refs.computeIfAbsent(id, k -> new int[2]);
        r[0]++;
        if (state == EndpointState.ACTIVE) r[1]++;
    }

    void remove(int id, EndpointState state) {
        int[] r = refs.get(id);
        if (r == null) throw new IllegalStateException("backend id " + id + " has no reference to remove");
        r[0]--;
        if (state == EndpointState.ACTIVE) r[1]--;
        if (r[0] == 0) refs.remove(id);
    }

    /** The state the shared entry should say; null when nothing references the id. */
    EndpointState state(int id) {
        int[] r = refs.get(id);
        if (r == null) return null;
        return r[1] > 0 ? EndpointState.ACTIVE : EndpointState.TERMINATING;
    }

    /** Referenced backend ids. */
    int size() {
        return refs.size();
    }

    void clear() {
        refs.clear();
    }
}
