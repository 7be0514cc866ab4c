package dev.senda.reconcile;

import dev.senda.datapath.Cleanup;
import dev.senda.datapath.Datapath;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.LbState;
import dev.senda.maps.TestSupport;
import dev.senda.maps.features.FeatureProbe;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.lb.TestLbMaps;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.size.MapResize;
import dev.senda.maps.size.MapSizeSetting;
import dev.senda.maps.size.MapSizes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.senda.reconcile.States.be;
import static dev.senda.reconcile.States.decode;
import static dev.senda.reconcile.States.df;
import static dev.senda.reconcile.States.fe;
import static dev.senda.reconcile.States.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real datapath loaded with a small service map ({@code --map-size-services 64}): the kernel's
 * E2BIG reaches the reconciler as a full map, what does not fit is named, deleting Services makes
 * room at once; and a pinned map is resized with its entries when the size changes, or refused
 * (naming the flag) when its entries would not fit.
 */
@Tag("privileged")
class FullKernelMapPrivilegedTest {
    private static final KernelFeatures REAL = FeatureProbe.probe();
    /** 64 entries per family: 21 frontends of 2 backends (3 entries each) fit. */
    private static final int SMALL = 64;

    private Path root;

    @BeforeAll
    static void requireRoot() {
        TestSupport.requireRoot();
    }

    @BeforeEach
    void setUp() {
        root = Path.of("/sys/fs/bpf", "sdfull" + TestSupport.uniqueName().substring(2));
    }

    @AfterEach
    void tearDown() {
        Cleanup.run(root);
    }

    static MapSizes services(int entries) {
        return MapSizes.resolve(2L << 30, MapSizes.DEFAULT_RATIO, Map.of(MapSizeSetting.SERVICES, entries));
    }

    static LbState frontends(int from, int to) {
        List<DesiredFrontend> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(df(fe("10.96.0." + (i + 1), 80), be("10.0.0." + (2 * i + 1), 8080),
                    be("10.0.0." + (2 * i + 2), 8080)));
        }
        return state(list.toArray(DesiredFrontend[]::new));
    }

    @Test
    void aFullKernelMapIsReportedByNameAndDeletingServicesMakesRoom() {
        try (Datapath datapath = Datapath.load(root, REAL, Optional.of(services(SMALL)))) {
            try (BpfMap pinned = BpfMap.openPinned(root.resolve("senda_svc4_v1"))) {
                assertEquals(SMALL, pinned.info().maxEntries(), "max_entries set before load");
            }
            TestLbMaps maps = new TestLbMaps(datapath.lbMaps());
            LbReconciler reconciler = new LbReconciler(datapath.lbMaps());

            ApplyResult full = reconciler.apply(frontends(0, 30), true);
            assertEquals(21, full.frontends(), full.toString());
            assertEquals(9, full.unprogrammed().count(), full.toString());
            assertEquals("default/svc-10.96.0.22:p80 (10.96.0.22:80/TCP)", full.unprogrammed().first().getFirst());
            assertTrue(full.errors().getFirst().contains("senda_svc4_v1") && full.errors().getFirst()
                    .contains("map full (64 entries)"), full.errors().getFirst());
            assertEquals(decode(frontends(0, 21)), decode(maps), "the 21 that fit, whole");

            // Ten programmed Services deleted: the nine pending ones fit in the same apply.
            LbState rest = frontends(10, 30);
            ApplyResult after = reconciler.apply(rest, true);
            assertTrue(after.ok(), after.toString());
            assertEquals(decode(rest), decode(maps));
        }
    }

    @Test
    void tenThousandServicesOfTenEndpointsInBothFamiliesFitTheSmallestDefaults() {
        // The defaults of a node too small to raise any above its floor.
        MapSizes floors = MapSizes.resolve(1L << 30, MapSizes.DEFAULT_RATIO, Map.of());
        List<DesiredFrontend> list = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String v4 = "10.96." + (i >> 8) + "." + (i & 0xff);
            String v6 = "fd00:96::" + Integer.toHexString(i);
            dev.senda.desired.BackendAddress[] b4 = new dev.senda.desired.BackendAddress[10];
            dev.senda.desired.BackendAddress[] b6 = new dev.senda.desired.BackendAddress[10];
            for (int e = 0; e < 10; e++) {
                int n = i * 10 + e;
                b4[e] = be("10." + (128 + (n >> 16)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff), 8080);
                b6[e] = be("fd00:244::" + Integer.toHexString(n >> 16) + ":" + Integer.toHexString(n & 0xffff), 8080);
            }
            list.add(df(fe(v4, 80), b4));
            list.add(df(fe(v6, 80), b6));
        }
        LbState desired = state(list.toArray(DesiredFrontend[]::new));
        try (Datapath datapath = Datapath.load(root, REAL, Optional.of(floors))) {
            // every LRU map (allocated whole) is sized from memory: none keeps a compiled size on every node
            for (String lru : datapath.lruMaps().keySet()) {
                assertTrue(MapSizes.settingOf(lru).map(MapSizeSetting::preallocated).orElse(false), lru);
            }
            assertEquals(12, datapath.lruMaps().size(), datapath.lruMaps().keySet().toString());
            LbReconciler reconciler = new LbReconciler(datapath.lbMaps());
            long start = System.nanoTime();
            ApplyResult r = reconciler.apply(desired, true);
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.println("10,000 Services x 10 endpoints x 2 families into the maps: " + r.writes()
                    + " writes in " + ms + " ms");
            assertTrue(r.ok(), r.toString());
            assertEquals(20_000, r.frontends());
            assertEquals(110_000, reconciler.entriesPerMap().get("senda_svc4_v1"));
            assertEquals(110_000, reconciler.entriesPerMap().get("senda_svc6_v1"));
            assertEquals(100_000, reconciler.entriesPerMap().get("senda_backend6_v1"));
        }
    }

    @Test
    void aPinnedMapIsResizedWithItsEntriesOrRefusedNamingTheFlag() throws Exception {
        LbState programmed = frontends(0, 20);
        try (Datapath datapath = Datapath.load(root, REAL, Optional.of(services(SMALL)))) {
            assertTrue(new LbReconciler(datapath.lbMaps()).apply(programmed, true).ok());
        }
        // Too small for the 60 entries pinned: refused before anything moves.
        var refused = assertThrows(IllegalArgumentException.class,
                () -> Datapath.load(root, REAL, Optional.of(services(32))).close());
        assertTrue(refused.getMessage().startsWith("--map-size-services: 32 is too small: the pinned senda_svc4_v1 "
                + "(max_entries 64) holds 60 entries"), refused.getMessage());
        assertFalse(Files.exists(root.resolve("senda_svc4_v1_resizing")));

        // Larger: the entries are carried over, and the reconciler finds nothing to write.
        try (Datapath datapath = Datapath.load(root, REAL, Optional.of(services(4 * SMALL)))) {
            try (BpfMap pinned = BpfMap.openPinned(root.resolve("senda_svc4_v1"))) {
                assertEquals(4 * SMALL, pinned.info().maxEntries());
            }
            assertFalse(Files.exists(root.resolve("senda_svc4_v1_resizing")), "the old pin is gone");
            assertEquals(decode(programmed), decode(new TestLbMaps(datapath.lbMaps())));
            LbReconciler restarted = new LbReconciler(datapath.lbMaps());
            restarted.restore();
            ApplyResult again = restarted.apply(programmed, true);
            assertTrue(again.ok(), again.toString());
            assertEquals(0, again.writes(), "a resize changes nothing on the wire");
        }
    }

    @Test
    void aDefaultSmallerThanWhatAPinnedMapHoldsKeepsThePinnedSize() throws Exception {
        LbState programmed = frontends(0, 20);
        try (Datapath datapath = Datapath.load(root, REAL, Optional.of(services(SMALL)))) {
            assertTrue(new LbReconciler(datapath.lbMaps()).apply(programmed, true).ok());
        }
        // The same 32 as in the refusal above, but derived (not given on the command line): a node whose
        // memory-derived default shrank must not stop its agent. The map keeps its 64 and its 60 entries.
        Map<MapSizeSetting, Integer> entries = new java.util.LinkedHashMap<>(services(SMALL).entries());
        entries.put(MapSizeSetting.SERVICES, 32);
        MapSizes derived = new MapSizes(entries, java.util.Set.of(), 2L << 30, MapSizes.DEFAULT_RATIO);
        try (Datapath datapath = Datapath.load(root, REAL, Optional.of(derived))) {
            try (BpfMap pinned = BpfMap.openPinned(root.resolve("senda_svc4_v1"))) {
                assertEquals(SMALL, pinned.info().maxEntries(), "kept its pinned size");
            }
            try (BpfMap empty = BpfMap.openPinned(root.resolve("senda_svc6_v1"))) {
                assertEquals(32, empty.info().maxEntries(), "the other family's map, empty, takes the default");
            }
            assertFalse(Files.exists(root.resolve("senda_svc4_v1_resizing")));
            assertEquals(decode(programmed), decode(new TestLbMaps(datapath.lbMaps())));
            assertEquals(SMALL, datapath.sizedMapCapacities().get("senda_svc4_v1"), "what the metrics export");
        }
        // An agent that died mid-resize left the full map aside: the new map takes its size and its entries.
        Path pin = root.resolve("senda_svc4_v1");
        Path aside = root.resolve("senda_svc4_v1_resizing");
        Files.move(pin, aside);
        MapResize.Pending pending = MapResize.prepare(root, derived);
        assertEquals(List.of(new MapResize.Moved("senda_svc4_v1", aside, SMALL, SMALL, true)), pending.moved(),
                "the leftover, with the size it was left at, keeps it under a default too small for it");
        pending.rollback();
        MapResize.Pending larger = MapResize.prepare(root, services(4 * SMALL));
        assertEquals(List.of(new MapResize.Moved("senda_svc4_v1", aside, SMALL, 4 * SMALL, true)),
                larger.moved().stream().filter(MapResize.Moved::leftover).toList(), "a size given: that one");
        larger.rollback();
        assertTrue(Files.exists(aside) && !Files.exists(pin), "rollbacks leave a leftover aside");
        // A load that fails after senda_tc.o pinned the new map (here: the kernel's features cannot be had)
        // removes that pin again: the next start must find the leftover alone, or it refuses both.
        var failed = assertThrows(IllegalStateException.class, () -> Datapath.load(root,
                () -> { throw new IllegalStateException("no features"); }, Optional.of(derived), Optional.empty()));
        assertEquals("no features", failed.getMessage());
        assertFalse(Files.exists(pin), "the failed load's new pin is gone");
        assertTrue(Files.exists(aside), "the leftover stays aside");
        try (Datapath datapath = Datapath.load(root, REAL, Optional.of(derived))) {
            assertEquals(SMALL, datapath.sizedMapCapacities().get("senda_svc4_v1"));
            assertFalse(Files.exists(root.resolve("senda_svc4_v1_resizing")), "copied and removed");
            assertEquals(decode(programmed), decode(new TestLbMaps(datapath.lbMaps())));
        }
    }
}
