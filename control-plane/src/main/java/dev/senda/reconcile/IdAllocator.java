package dev.senda.reconcile;

import java.util.BitSet;
import java.util.Collection;

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
 * <p>The used ids are a {@link BitSet}: a cold sync hands out 100,000s of ids, and a set of boxed
 * integers would cost an object or two per id (and the garbage collector their copying).
 *
 * <p>Not thread-safe; owned by one {@link LbReconciler}.
 */
final class IdAllocator {
    private final String what;
    private final int maxId;
    private final BitSet used = new BitSet();
    /** How many bits of {@link #used} are set (kept, as {@link BitSet#cardinality()} walks the words). */
    private int count;
    /** Next id to try; always within 1..maxId. */
    private int cursor = 1;
    /** False until the cursor was placed by a restore or moved by an allocation. */
    private boolean cursorPlaced;

    /**
     * @param what  name for error messages ("service id", "backend id")
     * @param maxId largest id to hand out (the map's capacity)
     */
    IdAllocator(String what, int maxId) {
        if (maxId < 1 || maxId == Integer.MAX_VALUE) throw new IllegalArgumentException("maxId must be in 1..2^31-2: " + maxId);
        this.what = what;
        this.maxId = maxId;
    }

    /**
     * The next free id after the cursor (wrapping).
     *
     * @throws IdsExhaustedException when all {@code maxId} ids are in use
     */
    int allocate() {
        if (count >= maxId) throw new IdsExhaustedException(what + ": all " + maxId + " ids are in use");
        // There is at least one free id: at or after the cursor, or else from 1 on (wrapping).
        int candidate = used.nextClearBit(cursor);
        if (candidate > maxId) candidate = used.nextClearBit(1);
        if (candidate > maxId) throw new AssertionError("free " + what + " not found although " + count + " < " + maxId);
        used.set(candidate);
        count++;
        cursor = candidate == maxId ? 1 : candidate + 1;
        cursorPlaced = true;
        return candidate;
    }

    /**
     * Marks an id found in the maps as taken (restore). Ids outside {@code 1..maxId} are ignored:
     * the allocator never hands them out anyway, so they cannot collide.
     */
    void reserve(int id) {
        if (id >= 1 && id <= maxId && !used.get(id)) {
            used.set(id);
            count++;
        }
    }

    /** Frees one id (its entries are gone); the cursor stays, so it is reused last. */
    void release(int id) {
        if (id >= 1 && id <= maxId && used.get(id)) {
            used.clear(id);
            count--;
        }
    }

    boolean isUsed(int id) {
        return id >= 1 && id <= maxId && used.get(id);
    }

    /**
     * Frees every id not in {@code inUse}. Called after each apply with the ids still referenced
     * by desired state or still present in the maps.
     */
    void retainOnly(Collection<Integer> inUse) {
        retainOnly(bits(inUse));
    }

    /** As {@link #retainOnly(Collection)}, the ids in use as set bits. */
    void retainOnly(BitSet inUse) {
        used.and(inUse);
        count = used.cardinality();
    }

    /**
     * Replaces the set of used ids with {@code reserved} (what the maps hold). The first time, the
     * cursor is placed just above the largest reserved id, so a restarted agent continues where
     * the previous one left off instead of reusing low ids first; later calls (a re-read of the
     * maps) keep the cursor where it is.
     */
    void resetForRestore(Collection<Integer> reserved) {
        resetForRestore(bits(reserved));
    }

    /** As {@link #resetForRestore(Collection)}, the reserved ids as set bits. */
    void resetForRestore(BitSet reserved) {
        used.clear();
        used.or(reserved);
        used.clear(0);
        if (used.length() > maxId + 1) used.clear(maxId + 1, used.length());
        count = used.cardinality();
        if (!cursorPlaced && count > 0) {
            int last = used.length() - 1;
            cursor = last >= maxId ? 1 : last + 1;
            cursorPlaced = true;
        }
    }

    int size() {
        return count;
    }

    private static BitSet bits(Collection<Integer> ids) {
        BitSet b = new BitSet();
        for (int id : ids) if (id >= 0) b.set(id);
        return b;
    }

    /** Thrown when every id is taken. */
    static final class IdsExhaustedException extends RuntimeException {
        IdsExhaustedException(String message) {
            super(message);
        }
    }
}
