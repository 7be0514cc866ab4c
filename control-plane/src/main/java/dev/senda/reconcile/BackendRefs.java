package dev.senda.reconcile;

import dev.senda.desired.EndpointState;

import java.util.Arrays;

/**
 * How many desired frontends reference each backend id, and how many of them as an active backend:
 * the backend entry is shared, so it says ACTIVE while any frontend uses it actively (as a full plan
 * merges it), and it is wanted while any frontend references it at all. Counts in arrays indexed by
 * id (ids are dense from 1): a full apply counts 100,000s of references, which boxed keys would
 * make the bulk of its bookkeeping. Not thread-safe.
 */
final class BackendRefs {
    /** By backend id: all references, and active references. */
    private int[] all = new int[0];
    private int[] active = new int[0];
    /** Ids with a reference. */
    private int size;

    void add(int id, EndpointState state) {
        if (id < 0) throw new IllegalArgumentException("backend id " + id);
        if (id >= all.length) {
            int n = Math.max(id + 1, all.length * 2);
            all = Arrays.copyOf(all, n);
            active = Arrays.copyOf(active, n);
        }
        if (all[id]++ == 0) size++;
        if (state == EndpointState.ACTIVE) active[id]++;
    }

    void remove(int id, EndpointState state) {
        if (id < 0 || id >= all.length || all[id] == 0) {
            throw new IllegalStateException("backend id " + id + " has no reference to remove");
        }
        if (state == EndpointState.ACTIVE) active[id]--;
        if (--all[id] == 0) {
            size--;
            active[id] = 0;
        }
    }

    /** The state the shared entry should say; null when nothing references the id. */
    EndpointState state(int id) {
        if (id < 0 || id >= all.length || all[id] == 0) return null;
        return active[id] > 0 ? EndpointState.ACTIVE : EndpointState.TERMINATING;
    }

    /** Referenced backend ids. */
    int size() {
        return size;
    }

    void clear() {
        all = new int[0];
        active = new int[0];
        size = 0;
    }
}
