package dev.senda.maps.metrics;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.senda.maps.TestSupport;
import dev.senda.maps.abi.Codecs;
import dev.senda.maps.libbpf.BpfMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link LruPressure} over real LRU maps, with the datapath's counters made up. */
@Tag("privileged")
class LruPressurePrivilegedTest {
    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    @Test
    void evictionsAreCreatedMinusDeletedMinusPresentNeverDecreasingAndCountsAreReusedWithinThePeriod() {
        try (BpfMap ct4 = BpfMap.create(BpfMap.BPF_MAP_TYPE_LRU_HASH, Codecs.CT4_MAP.mapName(), 4, 8, 64, 0);
             BpfMap ct6 = BpfMap.create(BpfMap.BPF_MAP_TYPE_LRU_HASH, Codecs.CT6_MAP.mapName(), 4, 8, 32, 0)) {
            for (int i = 0; i < 5; i++) ct4.update(u32(i), new byte[8]);
            for (int i = 0; i < 3; i++) ct6.update(u32(i), new byte[8]);
            Map<DatapathEvent, Long> counts = new EnumMap<>(DatapathEvent.class);
            counts.put(DatapathEvent.CT_CREATED, 20L);
            counts.put(DatapathEvent.CT_DELETED, 2L);
            AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T00:00:00Z"));
            InstantSource clock = now::get;
            LruPressure lru = new LruPressure(Map.of(ct4.name(), ct4, ct6.name(), ct6), () -> Map.copyOf(counts),
                    Duration.ofSeconds(10), clock);

            LruPressure.Sample first = lru.sample();
            assertEquals(Map.of("senda_ct4_v2", 5L, "senda_ct6_v1", 3L), first.entries());
            assertEquals(Map.of("senda_ct4_v2", 64, "senda_ct6_v1", 32), first.capacity());
            assertEquals(Map.of("conntrack", 20L - 2 - 8), first.evictions(), "created - deleted - present");

            // within the period: the same count, the maps are not walked again
            ct4.update(u32(100), new byte[8]);
            now.set(now.get().plusSeconds(9));
            assertSame(first, lru.sample());

            // after it: counted again; an estimate that would drop (entries written by someone else) does not
            now.set(now.get().plusSeconds(2));
            LruPressure.Sample second = lru.sample();
            assertEquals(6L, second.entries().get("senda_ct4_v2"));
            assertEquals(Map.of("conntrack", 10L), second.evictions(), "a counter never decreases");

            counts.put(DatapathEvent.CT_CREATED, 30L);
            now.set(now.get().plusSeconds(10));
            assertEquals(Map.of("conntrack", 30L - 2 - 9), lru.sample().evictions());
        }
    }
}
