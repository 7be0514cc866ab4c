package dev.senda.maps.size;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapSizesTest {
    static final long GIB = 1L << 30;

    @Test
    void defaultsFollowMemoryWithinFloorAndCeiling() {
        // 0.25 % of 24 GiB = 64.4 MB; services at 96 bytes an entry: 671,088, a power of two below: 524,288
        MapSizes big = MapSizes.resolve(24 * GIB, MapSizes.DEFAULT_RATIO, Map.of());
        assertEquals(524_288, big.of(MapSizeSetting.SERVICES));
        assertEquals(131_072, big.of(MapSizeSetting.REVERSE_NAT), "a quarter: 16.1 MB / 72 bytes = 223,696 -> 131,072");
        assertEquals(131_072, big.of(MapSizeSetting.CONNTRACK), "40 % of 64.4 MB / 160 bytes = 161,061 -> 131,072");
        assertEquals(65_536, big.of(MapSizeSetting.NAT), "20 % of 64.4 MB / 144 bytes = 89,478 -> 65,536");
        assertEquals(32_768, big.of(MapSizeSetting.SOCKET_FLOW), "5 %: below its floor");
        // a small node still gets the floors: 10,000 Services x 10 endpoints in each family
        MapSizes small = MapSizes.resolve(2 * GIB, MapSizes.DEFAULT_RATIO, Map.of());
        assertEquals(131_072, small.of(MapSizeSetting.SERVICES));
        assertEquals(131_072, small.of(MapSizeSetting.BACKENDS));
        assertEquals(65_536, small.of(MapSizeSetting.REVERSE_NAT), "its floor: 10,000 Services' frontends fit");
        assertEquals(131_072, small.of(MapSizeSetting.CONNTRACK), "kube-proxy's least conntrack table");
        assertEquals(65_536, small.of(MapSizeSetting.POLICY_CONNTRACK));
        assertTrue(small.of(MapSizeSetting.SERVICES) >= 10_000 * (1 + 10), "10k Services x 10 endpoints fit");
        // a large node's conntrack grows with its memory: 40 % of 343.6 MB / 160 bytes = 858,993 -> 524,288
        MapSizes large = MapSizes.resolve(128 * GIB, MapSizes.DEFAULT_RATIO, Map.of());
        assertEquals(524_288, large.of(MapSizeSetting.CONNTRACK));
        assertEquals(262_144, large.of(MapSizeSetting.NAT));
        // and a huge one stops at the ceiling
        assertEquals(1 << 22, MapSizes.resolve(4096 * GIB, 0.1, Map.of()).of(MapSizeSetting.SERVICES));
        assertTrue(big.problems().isEmpty() && small.problems().isEmpty() && large.problems().isEmpty());
    }

    @Test
    void theLruMapsShareOneBudget() {
        double shares = MapSizeSetting.ALL.stream().filter(MapSizeSetting::preallocated)
                .mapToDouble(MapSizeSetting::budgetShare).sum();
        assertEquals(1.0, shares, 1e-9, "the preallocated settings' shares add up to the whole budget");
        // above every floor, the LRU maps' estimated memory stays within the budget (powers of two round down)
        long memory = 1024 * GIB;
        MapSizes sizes = MapSizes.resolve(memory, MapSizes.DEFAULT_RATIO, Map.of());
        long lruBytes = MapSizeSetting.ALL.stream().filter(MapSizeSetting::preallocated)
                .mapToLong(s -> s.bytes(sizes.of(s)) / s.mapNames().size()).sum();
        assertTrue(lruBytes <= memory * MapSizes.DEFAULT_RATIO, lruBytes + " bytes per family");
        // that every LRU map of the datapath has a setting: FullKernelMapPrivilegedTest, on the loaded objects
    }

    @Test
    void aGivenSizeWinsAndNamesItsMaps() {
        MapSizes s = MapSizes.resolve(8 * GIB, MapSizes.DEFAULT_RATIO, Map.of(MapSizeSetting.SERVICES, 64));
        assertEquals(64, s.forMap("senda_svc4_v1").orElseThrow());
        assertEquals(64, s.forMap("senda_svc6_v1").orElseThrow());
        assertTrue(s.forMap("senda_metrics_v1").isEmpty(), "an unsized map keeps its compiled size");
        assertEquals(MapSizeSetting.CONNTRACK, MapSizes.settingOf("senda_ct4_v2").orElseThrow());
        assertTrue(s.summary().startsWith("services 64 (--map-size-services), backends 262144, "), s.summary());
        assertTrue(s.summary().endsWith("entries per family; defaults from 0.25% of 8.0 GiB"), s.summary());
    }

    @Test
    void readsMemTotal() {
        assertEquals(24_000_000L * 1024, MemInfo.parse("MemTotal:       24000000 kB\nMemFree:  1 kB\n"));
        assertTrue(MemInfo.totalBytes() > 0);
    }
}
