package dev.senda.reconcile;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdAllocatorTest {
    @Test
    void startsAtOneAndReusesFreedIdsOnlyAfterWrapping() {
        IdAllocator ids = new IdAllocator("test id", 4);
        assertEquals(List.of(1, 2, 3), List.of(ids.allocate(), ids.allocate(), ids.allocate()));
        ids.retainOnly(Set.of(2, 3));           // 1 freed
        assertEquals(4, ids.allocate());        // not 1: freed ids go last
        assertEquals(1, ids.allocate());        // wrapped
        assertThrows(IdAllocator.IdsExhaustedException.class, ids::allocate);
        ids.retainOnly(Set.of(1, 2, 4));        // 3 freed
        assertEquals(3, ids.allocate());
    }

    @Test
    void restorePlacesTheCursorAboveTheLargestRestoredIdOnce() {
        IdAllocator ids = new IdAllocator("test id", 100);
        ids.resetForRestore(List.of(5, 9, 0, 1000));  // out-of-range ids ignored
        assertEquals(2, ids.size());
        assertEquals(10, ids.allocate());
        ids.resetForRestore(List.of(5, 9, 10));  // a later re-read keeps the cursor
        assertEquals(11, ids.allocate());
    }

    @Test
    void restoreOfTheLastIdWrapsTheCursor() {
        IdAllocator ids = new IdAllocator("test id", 3);
        ids.resetForRestore(List.of(3));
        assertEquals(1, ids.allocate());
    }
}
