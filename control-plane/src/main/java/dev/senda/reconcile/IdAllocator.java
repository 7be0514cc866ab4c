package dev.senda.reconcile;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hands out numeric ids in {@code 1..maxId} (0 is never used: it means "none" in the maps).
 *
 * <p>Policy: ids are given out round-robin. A cursor moves upward past every id it hands out and
 * wraps to 1 after {@code maxId}; a freed id is therefore reused only once every id above the
 * cursor has been tried. Why not lowest-free: the datapath may still hold a freed id for a
 * moment (conntrack entries, a reader between two map lookups), and handing the same number to a
 * different backend or Service at once would silently redirect those flows. Round-robin keeps a
 * freed id out of circulation for as long as the id space allows.
 *
 * <p>Not thread-safe; owned by one {@link LbReconciler}.
 */
final class IdAllocator {
    private final String what;
    private final int maxId;
    private final TreeSet<Integer> used = new TreeSet<>();
    /** Next id to try; always within 1..maxId. */
    private int cursor = 1;
    /** False until the cursor was placed by a restore or moved by an allocation. */
    private boolean cursorPlaced;

    /**
     * @param what  name for error messages ("service id", "backend id")
     * @param maxId largest id to hand out (the map's capacity)
     */
    IdAllocator(String what, int maxId) {
        if (maxId < 1) throw new IllegalArgumentException("maxId must be >= 1: " + maxId);
        this.what = what;
        this.maxId = maxId;
    }

    /**
     * The next free id after the cursor (wrapping).
     *
     * @throws IdsExhaustedException when all {@code maxId} ids are in use
     */
    int allocate() {
        if (used.size() >= maxId) throw new IdsExhaustedException(what + ": all " + maxId + " ids are in use");
        // Bounded: at most maxId probes, and there is at least one free id.
        int candidate = cursor;
        for (int probes = 0; probes < maxId; probes++) {
            if (!used.contains(candidate)) {
                used.add(candidate);
                cursor = candidate == maxId ? 1 : candidate + 1;
                cursorPlaced = true;
                return candidate;
            }
            candidate = candidate == maxId ? 1 : candidate + 1;
        }
        throw new AssertionError("free " + what + " not found although " + used.size() + " < " + maxId);
    }

    /**
     * Marks an id found in the maps as taken (restore). Ids outside {@code 1..maxId} are ignored:
     * the allocator never hands them out anyway, so they cannot collide.
     */
    void reserve(int id) {
        if (id >= 1 && id <= maxId) used.add(id);
    }

    /** Frees one id (its entries are gone); the cursor stays, so it is reused last. */
    void release(int id) {
        used.remove(id);
    }

    boolean isUsed(int id) {
        return used.contains(id);
    }

    /**
     * Frees every id not in {@code inUse}. Called after each apply with the ids still referenced
     * by desired state or still present in the maps.
     */
    void retainOnly(Collection<Integer> inUse) {
        Set<Integer> keep = inUse instanceof Set<Integer> s ? s : Set.copyOf(inUse);
        used.removeIf(id -> !keep.contains(id));
    }

    /**
     * Replaces the set of used ids with {@code reserved} (what the maps hold). The first time, the
     * cursor is placed just above the largest reserved id, so a restarted agent continues where
     * the previous one left off instead of reusing low ids first; later calls (a re-read of the
     * maps) keep the cursor where it is.
     */
    void resetForRestore(Collection<Integer> reserved) {
        used.clear();
        reserved.forEach(this::reserve);
        if (!cursorPlaced && !used.isEmpty()) {
            cursor = used.last() >= maxId ? 1 : used.last() + 1;
            cursorPlaced = true;
        }
    }

    int size() {
        return used.size();
    }

    /** Thrown when every id is taken. */
    static final class IdsExhaustedException extends RuntimeException {
        IdsExhaustedException(String message) {
            super(message);
        }
    }
}
