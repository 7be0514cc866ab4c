package dev.senda.reconcile;

import dev.senda.datapath.Cleanup;
import dev.senda.datapath.Datapath;
import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.LbState;
import dev.senda.maps.TestSupport;
import dev.senda.maps.features.FeatureProbe;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.size.MapSizes;
import dev.senda.maps.table.TypedMap;
import dev.senda.reconcile.table.WriteMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.senda.reconcile.States.be;
import static dev.senda.reconcile.States.df;
import static dev.senda.reconcile.States.fe;
import static dev.senda.reconcile.States.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cold sync of 10,000 Services x 10 endpoints x 2 families (440,000 writes) into the real maps, one
 * write at a time and batched ({@code BPF_MAP_*_BATCH}): the same entries land either way, a restart
 * reads them all back (lookup batches) and finds nothing to write, and removing everything empties the
 * maps. Prints the figures (never asserts wall-clock: the machine is shared):
 * {@code cold sync 10000 services x 10 endpoints x 2 families: N writes, batched X ms, single Y ms; restore Z ms}.
 */
@Tag("privileged")
class BatchedColdSyncPrivilegedTest {
    private static final int SERVICES = 10_000;
    private static final int ENDPOINTS = 10;
    private static final int WRITES = 2 * (SERVICES * (1 + ENDPOINTS) + SERVICES * ENDPOINTS + SERVICES);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Path root;

    @BeforeAll
    static void requireRoot() {
        TestSupport.requireRoot();
    }

    @BeforeEach
    void setUp() {
        root = Path.of("/sys/fs/bpf", "sdbatch" + TestSupport.uniqueName().substring(2));
    }

    @AfterEach
    void tearDown() {
        Cleanup.run(root);
    }

    /** {@code services} Services of {@code endpoints} endpoints in each family. */
    static LbState desired(int services, int endpoints) {
        List<DesiredFrontend> list = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            BackendAddress[] b4 = new BackendAddress[endpoints];
            BackendAddress[] b6 = new BackendAddress[endpoints];
            for (int e = 0; e < endpoints; e++) {
                int n = i * endpoints + e;
                b4[e] = be("10." + (128 + (n >> 16)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff), 8080);
                b6[e] = be("fd00:244::" + Integer.toHexString(n >> 16) + ":" + Integer.toHexString(n & 0xffff), 8080);
            }
            list.add(df(fe("10.96." + (i >> 8) + "." + (i & 0xff), 80), b4));
            list.add(df(fe("fd00:96::" + Integer.toHexString(i), 80), b6));
        }
        return state(list.toArray(DesiredFrontend[]::new));
    }

    /**
     * Wall time, thread CPU time and its part in the kernel (CPU minus user time: the syscalls) of one
     * measured step, in ms. CPU times say more than wall time on a machine shared with other work.
     */
    private record Took(long wallMs, long cpuMs, long kernelMs) {
        static Took of(long wall0, long cpu0, long user0) {
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            long user = THREADS.getCurrentThreadUserTime() - user0;
            return new Took((System.nanoTime() - wall0) / 1_000_000, cpu / 1_000_000, (cpu - user) / 1_000_000);
        }

        @Override
        public String toString() {
            return wallMs + " ms wall / " + cpuMs + " ms CPU (" + kernelMs + " in the kernel)";
        }
    }

    private record Round(Took sync, Took restore, Took removeAll, List<Map<?, ?>> contents) {
    }

    /** Cold sync, restore by a new reconciler (which then writes nothing), and removal of everything. */
    private static Round round(LbMaps maps, LbState desired, WriteMode mode, int writes, boolean keepContents) {
        LbReconciler reconciler = new LbReconciler(maps);
        reconciler.writeMode(mode);
        long wall = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long user = THREADS.getCurrentThreadUserTime();
        ApplyResult synced = reconciler.apply(desired, true);
        Took sync = Took.of(wall, cpu, user);
        assertTrue(synced.ok(), synced.toString());
        assertEquals(writes, synced.writes(), mode + ": every entry written once");
        List<Map<?, ?>> contents = keepContents ? contents(maps) : List.of();

        LbReconciler restarted = new LbReconciler(maps);
        restarted.writeMode(mode);
        wall = System.nanoTime();
        cpu = THREADS.getCurrentThreadCpuTime();
        user = THREADS.getCurrentThreadUserTime();
        RestoreResult restored = restarted.restore();
        Took restore = Took.of(wall, cpu, user);
        assertEquals(desired.frontends().size(), restored.frontends(), restored.toString());
        assertEquals(0, restarted.apply(desired, true).writes(), mode + ": a restart finds nothing to write");

        wall = System.nanoTime();
        cpu = THREADS.getCurrentThreadCpuTime();
        user = THREADS.getCurrentThreadUserTime();
        ApplyResult removed = restarted.apply(new LbState(new TreeMap<>()), true);
        Took removeAll = Took.of(wall, cpu, user);
        assertTrue(removed.ok(), removed.toString());
        assertEquals(writes, removed.writes(), mode + ": every entry deleted once");
        assertEquals(List.of(Map.of(), Map.of(), Map.of(), Map.of()), contents(maps), mode + ": the maps are empty");
        return new Round(sync, restore, removeAll, contents);
    }

    private static List<Map<?, ?>> contents(LbMaps maps) {
        List<TypedMap<?, ?>> tables = List.of(maps.services(), maps.backends(), maps.revNats(), maps.sourceRanges());
        List<Map<?, ?>> out = new ArrayList<>();
        for (TypedMap<?, ?> t : tables) out.add(t.entries());
        return out;
    }

    @Test
    void aBatchedColdSyncLandsWhatSingleWritesLandAndARestartReadsItBack() {
        LbState warmUp = desired(1_000, ENDPOINTS);
        LbState desired = desired(SERVICES, ENDPOINTS);
        MapSizes floors = MapSizes.resolve(1L << 30, MapSizes.DEFAULT_RATIO, Map.of());
        try (Datapath datapath = Datapath.load(root, FeatureProbe.probe(), Optional.of(floors))) {
            LbMaps maps = datapath.lbMaps();
            // The JIT compiles the paths of both modes first, so neither pays for it in the figures.
            for (WriteMode mode : WriteMode.values()) round(maps, warmUp, mode, WRITES / 10, false);

            Round single = round(maps, desired, WriteMode.SINGLE, WRITES, true);
            Round batched = round(maps, desired, WriteMode.BATCHED, WRITES, true);
            assertEquals(single.contents(), batched.contents(), "the same entries, whichever the mode");
            assertEquals(2 * SERVICES * (1 + ENDPOINTS), single.contents().getFirst().size());

            System.out.println("cold sync " + SERVICES + " services x " + ENDPOINTS + " endpoints x 2 families: " + WRITES
                    + " writes, batched " + batched.sync().wallMs() + " ms, single " + single.sync().wallMs()
                    + " ms; restore " + batched.restore().wallMs() + " ms");
            System.out.println("  cold sync: batched " + batched.sync() + ", single " + single.sync());
            System.out.println("  restore: " + batched.restore() + "; remove all: batched " + batched.removeAll()
                    + ", single " + single.removeAll());
        }
    }
}
