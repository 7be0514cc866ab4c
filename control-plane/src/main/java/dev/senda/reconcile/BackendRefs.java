package dev.senda.reconcile;

import dev.senda.desired.EndpointState;

import java.util.Arrays;

/**
 * How many desired frontends reference each backend id, and how many of them as an active backend:
 * the backend entry is shared, so it says ACTIVE while any frontend uses it actively (as a full plan
 * merges it), and it is wanted while any frontend references it at all. Not thread-safe.
 *
 * <p>An open-addressing table of ids (linear probing, backward-shift removal) with the two counts
 * packed in one {@code long} beside each id: a full plan counts 100,000s of ids, and a hash map of
 * boxed ids and count arrays cost three objects per id, which the garbage collector then copies
 * during a cold sync. Not arrays indexed by id: ids are handed out round-robin up to 2^24, so after
 * enough rollouts the ids in use are few but large, and memory must follow how many ids are
 * referenced, not the largest one.
 */
final class BackendRefs {
    /** Marks a free slot; ids are at least 1. */
    private static final int FREE = 0;
    private static final float LOAD = 0.6f;

    private int[] ids;
    /** Per slot: all references in the high 32 bits, active ones in the low 32. */
    private long[] counts;
    private int size;

    BackendRefs() {
        this(16);
    }

    /** Sized for about {@code expectedIds} referenced ids. */
    BackendRefs(int expectedIds) {
        allocate(capacityFor(Math.max(expectedIds, 4)));
    }

    private static int capacityFor(int n) {
        int wanted = (int) Math.min(1L << 30, (long) Math.ceil(n / LOAD));
        return Integer.highestOneBit(Math.max(wanted - 1, 1)) << 1;
    }

    private void allocate(int capacity) {
        ids = new int[capacity];
        counts = new long[capacity];
        size = 0;
    }

    /** @throws IllegalArgumentException for an id below 1 (never handed out) */
    void add(int id, EndpointState state) {
        if (id < 1) throw new IllegalArgumentException("backend id " + id + " is not one the agent hands out");
        int i = find(id);
        if (ids[i] == FREE) {
            if (size + 1 > ids.length * LOAD) {
                grow();
                i = find(id);
            }
            ids[i] = id;
            size++;
        }
        counts[i] += (1L << 32) + (state == EndpointState.ACTIVE ? 1 : 0);
    }

    void remove(int id, EndpointState state) {
        int i = id < 1 ? -1 : find(id);
        if (i < 0 || ids[i] == FREE) throw new IllegalStateException("backend id " + id + " has no reference to remove");
        boolean active = state == EndpointState.ACTIVE;
        // a borrow from the packed total would corrupt both counts: refuse, as a count going negative
        if (active && (int) counts[i] == 0) {
            throw new IllegalStateException("backend id " + id + " has no active reference to remove");
        }
        counts[i] -= (1L << 32) + (active ? 1 : 0);
        if ((counts[i] >>> 32) == 0) delete(i);
    }

    /** The state the shared entry should say; null when nothing references the id. */
    EndpointState state(int id) {
        if (id < 1) return null;
        int i = find(id);
        if (ids[i] == FREE) return null;
        return (int) counts[i] > 0 ? EndpointState.ACTIVE : EndpointState.TERMINATING;
    }

    /** Referenced backend ids. */
    int size() {
        return size;
    }

    void clear() {
        Arrays.fill(ids, FREE);
        Arrays.fill(counts, 0);
        size = 0;
    }

    /** The slot holding {@code id}, or the free slot where it would go. */
    private int find(int id) {
        int mask = ids.length - 1;
        int i = mix(id) & mask;
        while (ids[i] != FREE && ids[i] != id) i = (i + 1) & mask;
        return i;
    }

    /** Spreads consecutive ids (how they are handed out) over the table. */
    private static int mix(int id) {
        int h = id * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Frees slot {@code i}, moving later entries of its probe run back so that every id stays findable. */
    private void delete(int i) {
        int mask = ids.length - 1;
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (ids[j] == FREE) break;
            int home = mix(ids[j]) & mask;
            // j may move into the hole when its home is not in the cyclic range (hole, j]
            boolean inRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!inRange) {
                ids[hole] = ids[j];
                counts[hole] = counts[j];
                hole = j;
            }
        }
        ids[hole] = FREE;
        counts[hole] = 0;
        size--;
    }

    private void grow() {
        int[] oldIds = ids;
        long[] oldCounts = counts;
        allocate(oldIds.length * 2);
        int mask = ids.length - 1;
        for (int k = 0; k < oldIds.length; k++) {
            if (oldIds[k] == FREE) continue;
            int i = mix(oldIds[k]) & mask;
            while (ids[i] != FREE) i = (i + 1) & mask;
            ids[i] = oldIds[k];
            counts[i] = oldCounts[k];
            size++;
        }
    }
}
