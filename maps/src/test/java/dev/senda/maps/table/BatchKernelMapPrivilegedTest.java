package dev.senda.maps.table;

import dev.senda.maps.TestSupport;
import dev.senda.maps.abi.Codecs;
import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch writes and reads on real kernel maps: what the kernel says landed is exactly what the map
 * holds, a full map stops a batch part-way with the same failure a single put gets, missing keys do not
 * stop a delete batch, and map types without batch operations (or with) all keep that contract.
 */
@Tag("privileged")
class BatchKernelMapPrivilegedTest {
    private static final int HASH = 1, ARRAY = 2, LPM_TRIE = 11, NO_PREALLOC = 1;

    @BeforeAll
    static void requireRoot() {
        TestSupport.requireRoot();
    }

    private static BackendValue backend(int i) {
        return new BackendValue(IpAddress.parse("10.0." + (i >> 8) + "." + (i & 0xff)).orElseThrow(), 8080,
                Protocol.TCP, BackendState.ACTIVE);
    }

    @Test
    void aFullHashMapStopsTheBatchWhereASinglePutWouldFailAndHoldsExactlyWhatLanded() {
        try (BpfMap raw = BpfMap.create(HASH, "sd_batch_full", Codecs.BACKEND4_MAP.keySize(),
                Codecs.BACKEND4_MAP.valueSize(), 4, 0)) {
            KernelTypedMap<BackendKey, BackendValue> map = KernelTypedMap.over(raw, Codecs.BACKEND4_MAP);
            List<BackendKey> keys = new ArrayList<>();
            List<BackendValue> values = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                keys.add(new BackendKey(IpFamily.IPV4, i));
                values.add(backend(i));
            }
            BatchWriteException e = assertThrows(BatchWriteException.class, () -> map.putAll(keys, values));
            assertEquals(4, e.landed());
            MapFullException full = assertInstanceOf(MapFullException.class, e.failure());
            assertEquals(4, full.capacity());
            assertTrue(full.getMessage().contains("map full (4 entries)"), full.getMessage());
            Map<BackendKey, BackendValue> expected = new HashMap<>();
            for (int i = 0; i < 4; i++) expected.put(keys.get(i), values.get(i));
            assertEquals(expected, map.entries());

            // Updates of keys it holds still land in a full map, as single puts do.
            map.putAll(keys.subList(0, 2), List.of(backend(100), backend(101)));
            assertEquals(backend(101), map.entries().get(keys.get(1)));

            // Keys 5 and 6 were never written: a delete batch passes over them.
            map.deleteAll(List.of(keys.get(4), keys.get(0), keys.get(5), keys.get(2)));
            assertEquals(Map.of(keys.get(1), backend(101), keys.get(3), values.get(3)), map.entries());
        }
    }

    @Test
    void everyLoadBalancerMapTypeKeepsTheContractWithOrWithoutKernelBatches() {
        // hash and array have the batch commands; an LPM trie may not (then one syscall per element).
        for (int[] type : new int[][]{{HASH, 0}, {ARRAY, 0}, {LPM_TRIE, NO_PREALLOC}}) {
            int keySize = type[0] == ARRAY ? 4 : 8;
            int n = 3 * BpfMap.BATCH_CHUNK / 2; // more than one chunk
            try (BpfMap map = BpfMap.create(type[0], "sd_batch_t" + type[0], keySize, 8, n, type[1])) {
                byte[] keys = new byte[n * keySize];
                byte[] values = new byte[n * 8];
                for (int i = 0; i < n; i++) {
                    if (type[0] == ARRAY) {
                        keys[i * 4] = (byte) i;
                        keys[i * 4 + 1] = (byte) (i >> 8);
                    } else {
                        keys[i * 8] = 32; // LPM prefix length (host order u32), then 4 bytes of address
                        keys[i * 8 + 6] = (byte) (i >> 8);
                        keys[i * 8 + 7] = (byte) i;
                    }
                    values[i * 8] = (byte) (i * 7);
                    values[i * 8 + 1] = (byte) (i >> 8);
                }
                BpfMap.BatchResult r = map.updateBatch(keys, values, n);
                assertEquals(new BpfMap.BatchResult(n, 0), r, "map type " + type[0]);
                Map<java.nio.ByteBuffer, byte[]> read = new HashMap<>();
                map.forEachEntry((k, v) -> read.put(java.nio.ByteBuffer.wrap(k), v));
                assertEquals(n, read.size(), "map type " + type[0]);
                for (int i = 0; i < n; i += 997) {
                    byte[] k = java.util.Arrays.copyOfRange(keys, i * keySize, (i + 1) * keySize);
                    assertArrayEquals(java.util.Arrays.copyOfRange(values, i * 8, i * 8 + 8),
                            read.get(java.nio.ByteBuffer.wrap(k)), "map type " + type[0] + " entry " + i);
                    assertArrayEquals(map.lookup(k), read.get(java.nio.ByteBuffer.wrap(k)));
                }
                if (type[0] != ARRAY) { // array elements cannot be deleted
                    assertEquals(new BpfMap.BatchResult(n, 0), map.deleteBatch(keys, n));
                    List<byte[]> left = new ArrayList<>();
                    map.forEachEntry((k, v) -> left.add(k));
                    assertEquals(List.of(), left, "map type " + type[0]);
                }
            }
        }
    }
}
