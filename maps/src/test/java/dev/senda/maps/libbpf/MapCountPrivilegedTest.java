package dev.senda.maps.libbpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.senda.maps.TestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BpfMap#countEntries}: the batch count of a hash map's entries, LRU maps at and past capacity. */
@Tag("privileged")
class MapCountPrivilegedTest {
    private static final int BPF_MAP_TYPE_HASH = 1;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    @Test
    void countsEveryEntryOfAHashMapAcrossSeveralBatches() {
        int n = BpfMap.COUNT_BATCH * 2 + 123;
        try (BpfMap map = BpfMap.create(BPF_MAP_TYPE_HASH, "sdcount_hash", 4, 8, n + 100, 0)) {
            assertEquals(0, map.countEntries(), "empty map");
            for (int i = 0; i < n; i++) map.update(u32(i), new byte[8]);
            assertEquals(n, map.countEntries());
            map.delete(u32(7));
            assertEquals(n - 1, map.countEntries());
        }
    }

    @Test
    void anLruMapPushedPastItsCapacityCountsAtMostItsCapacity() {
        int capacity = 1024;
        try (BpfMap map = BpfMap.create(BpfMap.BPF_MAP_TYPE_LRU_HASH, "sdcount_lru", 4, 8, capacity, 0)) {
            for (int i = 0; i < 100; i++) map.update(u32(i), new byte[8]);
            assertEquals(100, map.countEntries());
            // Four times its capacity: the LRU evicts instead of refusing.
            for (int i = 100; i < 4 * capacity; i++) map.update(u32(i), new byte[8]);
            long count = map.countEntries();
            // The kernel's LRU evicts in batches per CPU list, so a full map holds a little less than
            // max_entries; it is near it, and never above.
            assertTrue(count <= capacity && count >= capacity / 2, "entries after overfilling: " + count);
            assertEquals(count, map.keys().size(), "the batch count agrees with a key walk of a quiet map");
        }
    }
}
