package dev.senda.datapath;

import dev.senda.maps.DatapathVariants;
import dev.senda.maps.TestSupport;
import dev.senda.maps.features.Feature;
import dev.senda.maps.features.FeatureProbe;
import dev.senda.maps.features.Finding;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.libbpf.Attachments;
import dev.senda.maps.libbpf.BpfLink;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.ProgramMaps;
import dev.senda.maps.lb.PriorMaps;
import dev.senda.maps.size.MapSizeSetting;
import dev.senda.maps.size.MapSizes;
import dev.senda.maps.libbpf.CgroupAttachType;
import dev.senda.maps.libbpf.NetDevices;
import dev.senda.maps.libbpf.TcAttach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The datapath loaded a second time over the pins of the first, as an agent restart or upgrade does:
 * identical programs leave every attachment untouched; other programs replace the old ones in place
 * (the same tcx link, the same clsact filter handle and priority, the same cgroup link), one program per
 * hook at every moment; a program the verifier rejects changes nothing.
 */
@Tag("privileged")
class DatapathReplacementPrivilegedTest {
    private static final KernelFeatures REAL = FeatureProbe.probe();

    @TempDir
    Path tmp;
    private ScratchDatapath scratch;
    private String name;
    private Path root;
    private Path cgroup;
    private String veth;
    private int ifindex;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @BeforeEach
    void setUp() throws Exception {
        scratch = ScratchDatapath.create("sdrepl");
        name = scratch.name;
        root = scratch.root;
        cgroup = scratch.cgroup();
        veth = scratch.veth("a", "b");
        ifindex = NetDevices.indexOf(veth).orElseThrow();
    }

    @AfterEach
    void tearDown() throws Exception {
        scratch.close();
    }

    @Test
    void tcxAndCgroupLinksAreUpdatedInPlaceAndLeftAloneWhenIdentical() throws Exception {
        if (!REAL.has(Feature.TCX)) return; // clsact: the next test; this kernel decides which one runs here
        Path next = Files.createDirectory(tmp.resolve("next"));
        DatapathVariants.nextLayoutTc(next);
        Path connectPin = DatapathLayout.cgroupLinkPin(root, DatapathLayout.SOCKET_LB_PROGRAMS.getFirst());

        attachAll(REAL, Optional.empty());
        List<Integer> tcxBefore = Attachments.tcx(ifindex, true);
        List<Integer> connectBefore = Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT);
        int tcxLink = linkId(DatapathLayout.tcLinkPin(root, veth));
        int connectLink = linkId(connectPin);
        assertEquals(1, tcxBefore.size());

        attachAll(REAL, Optional.empty());
        assertEquals(tcxBefore, Attachments.tcx(ifindex, true), "identical programs: the attached one stays");
        assertEquals(connectBefore, Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT));

        attachAll(REAL, Optional.of(next));
        List<Integer> tcxAfter = Attachments.tcx(ifindex, true);
        assertEquals(1, tcxAfter.size(), "one program on the hook: " + tcxAfter);
        assertNotEquals(tcxBefore, tcxAfter, "the next version's program runs");
        assertEquals(tcxLink, linkId(DatapathLayout.tcLinkPin(root, veth)), "the same tcx link, updated");
        assertEquals(connectLink, linkId(connectPin), "the same cgroup link");
        assertEquals(connectBefore, Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT),
                "socket LB's programs are identical in both versions: untouched");
        assertTrue(Files.exists(root.resolve(DatapathVariants.NEXT_CT4_MAP)));
        assertFalse(Files.exists(root.resolve("senda_ct4_v2")), "migrated and removed after the swap");
    }

    @Test
    void clsactFilterIsReplacedInPlaceWithTheSameHandleAndPriority() throws Exception {
        KernelFeatures noTcx = REAL.with(Feature.TCX, Finding.no("faked"));
        Path next = Files.createDirectory(tmp.resolve("next"));
        DatapathVariants.nextLayoutTc(next);
        int handle = DatapathLayout.CLSACT_HANDLE;

        attachAll(noTcx, Optional.empty());
        int before = TcAttach.query(ifindex, true, handle, handle).orElseThrow();
        attachAll(noTcx, Optional.empty());
        assertEquals(before, TcAttach.query(ifindex, true, handle, handle).orElseThrow(), "identical: untouched");

        attachAll(noTcx, Optional.of(next));
        int after = TcAttach.query(ifindex, true, handle, handle).orElseThrow();
        assertNotEquals(before, after);
        String filters = TestSupport.run("tc", "filter", "show", "dev", veth, "ingress");
        assertEquals(1, filters.lines().filter(l -> l.contains(" handle 0x")).count(), "one filter: " + filters);
        assertTrue(filters.contains("pref " + handle + " bpf") && filters.contains("handle 0x" + Integer.toHexString(handle)),
                "Senda's handle and priority: " + filters);
    }

    @Test
    void aMapResizedBySettingsGetsItsProgramsReplacedThoughTheirCodeIsIdentical() throws Exception {
        // A resized map is a new map under the same pin name: a program left in place would still read
        // the old, unpinned one while the agent writes the new one.
        attachAll(REAL, Optional.empty());
        List<Integer> connectBefore = Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT);
        MapSizes resized = MapSizes.resolve(Runtime.getRuntime().maxMemory(), MapSizes.DEFAULT_RATIO,
                java.util.Map.of(MapSizeSetting.SERVICES, 4_096));
        try (Datapath datapath = Datapath.load(root, REAL, Optional.of(resized), Optional.empty())) {
            datapath.attachSocketLb(cgroup);
            datapath.attachPodDevices(Optional.of(veth));
            datapath.finishMigrations();
        }
        List<Integer> connectAfter = Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT);
        assertEquals(1, connectAfter.size(), "one program on the hook: " + connectAfter);
        assertNotEquals(connectBefore, connectAfter, "the program reading the resized map runs");
        try (BpfMap svc = BpfMap.openPinned(root.resolve("senda_svc4_v1"))) {
            assertEquals(4_096, svc.maxEntries(), "the pinned map is the resized one");
        }
    }

    /**
     * The kernel's features are asked for only after senda_tc.o has loaded, with a resize under way: a probe
     * that fails even with an Error must leave the pins as they were, or every later start would stop at a
     * map pinned twice (its new pin and the old one moved aside).
     */
    @Test
    void aProbeFailingDuringAResizeLeavesThePinsAsTheyWere() throws Exception {
        attachAll(REAL, Optional.empty());
        int before;
        try (BpfMap svc = BpfMap.openPinned(root.resolve("senda_svc4_v1"))) {
            before = svc.maxEntries();
        }
        assertNotEquals(4_096, before, "a resize is under way");
        MapSizes resized = MapSizes.resolve(Runtime.getRuntime().maxMemory(), MapSizes.DEFAULT_RATIO,
                java.util.Map.of(MapSizeSetting.SERVICES, 4_096));
        AssertionError probeFailure = new AssertionError("the probe failed");
        AssertionError thrown = assertThrows(AssertionError.class, () -> Datapath.load(root, () -> {
            throw probeFailure;
        }, Optional.of(resized), Optional.empty()));
        assertSame(probeFailure, thrown);
        try (BpfMap svc = BpfMap.openPinned(root.resolve("senda_svc4_v1"))) {
            assertEquals(before, svc.maxEntries(), "the old map is pinned again");
        }
        assertFalse(Files.exists(root.resolve("senda_svc4_v1_resizing")), "nothing left aside");
        try (Datapath datapath = Datapath.load(root, REAL, Optional.of(resized), Optional.empty());
             BpfMap svc = BpfMap.openPinned(root.resolve("senda_svc4_v1"))) {
            assertEquals(4_096, svc.maxEntries(), "the next start resizes");
        }
    }

    @Test
    void aProgramTheVerifierRejectsChangesNothingAndSaysWhy() throws Exception {
        Path broken = Files.createDirectory(tmp.resolve("broken"));
        DatapathVariants.rejectedTc(broken);
        attachAll(REAL, Optional.empty());
        List<Integer> tcx = Attachments.tcx(ifindex, true);
        String filters = TestSupport.run("tc", "filter", "show", "dev", veth, "ingress");
        List<Integer> connect = Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT);

        DatapathLoadException e = assertThrows(DatapathLoadException.class,
                () -> Datapath.load(root, REAL, Optional.empty(), Optional.of(broken)));
        assertEquals(DatapathLayout.TC_OBJECT, e.object());
        assertTrue(e.program().isPresent(), e.getMessage());
        assertTrue(e.verifierTail().contains("invalid access to packet") || e.verifierTail().contains("outside of the packet"),
                e.verifierTail());
        assertTrue(e.verifierTail().lines().count() <= DatapathLoadException.TAIL_LINES);
        assertTrue(e.verifierTail().length() <= DatapathLoadException.TAIL_CHARS);
        assertEquals(tcx, Attachments.tcx(ifindex, true));
        assertEquals(filters, TestSupport.run("tc", "filter", "show", "dev", veth, "ingress"));
        assertEquals(connect, Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT));
    }

    @Test
    void aLinkPinnedForAnotherCgroupIsMovedNotUpdated() throws Exception {
        Path other = Files.createDirectory(TestSupport.cgroup2Root().resolve(name + "o"));
        try {
            try (Datapath datapath = Datapath.load(root, REAL)) {
                datapath.attachSocketLb(cgroup);
            }
            assertEquals(1, Attachments.cgroup(cgroup, CgroupAttachType.UDP4_RECVMSG).size());
            try (Datapath datapath = Datapath.load(root, REAL)) {
                datapath.attachSocketLb(other); // --cgroup-root changed between two runs
            }
            assertEquals(List.of(), Attachments.cgroup(cgroup, CgroupAttachType.UDP4_RECVMSG), "left the old cgroup");
            assertEquals(1, Attachments.cgroup(other, CgroupAttachType.UDP4_RECVMSG).size(), "on the new one");
        } finally {
            Cleanup.run(root);
            Files.deleteIfExists(other);
        }
    }

    /**
     * An agent that died between a migration's two passes left the old conntrack map in the slot of the
     * programs it had attached (senda_ct4_prior, PriorMaps). The same version started again loads
     * programs identical in code and maps; keeping the attached ones kept the loan for good (the old
     * map never freed, an extra lookup per conntrack miss, retired flows carried back from it).
     */
    @Test
    void aLoanLeftByAnAgentThatDiedIsGoneAfterTheNextStart() {
        loanLeftBehindEndsAtTheNextStart(REAL);
    }

    /** As {@link #aLoanLeftByAnAgentThatDiedIsGoneAfterTheNextStart}, through clsact filters. */
    @Test
    void aLoanLeftOnAClsactFilterIsGoneAfterTheNextStart() {
        loanLeftBehindEndsAtTheNextStart(REAL.with(Feature.TCX, Finding.no("faked")));
    }

    private void loanLeftBehindEndsAtTheNextStart(KernelFeatures features) {
        boolean tcx = features.has(Feature.TCX);
        attachAll(features, Optional.empty());
        List<Integer> crashed = tcPrograms(tcx);
        assertFalse(crashed.isEmpty());
        // The dead agent's loan. A conntrack map the kernel takes for the slot: created by libbpf with the
        // object's BTF, as a real other version's map is (6.1 compares a map's BTF-derived fields when it
        // fills a slot, so a map made without BTF is refused there), here the pinned one itself.
        try (BpfMap old = BpfMap.openPinned(root.resolve("senda_ct4_v2"))) {
            for (int program : crashed) {
                assertTrue(lend(program, old), "program " + program + " has a conntrack slot");
                assertTrue(PriorMaps.holdsLoan(program));
            }
        }

        attachAll(features, Optional.empty()); // restarted, same version, no migration under way
        List<Integer> now = tcPrograms(tcx);
        assertEquals(crashed.size(), now.size(), "one program per hook: " + now);
        for (int program : now) assertFalse(PriorMaps.holdsLoan(program), "program " + program + " holds the old map");
    }

    /** The tc programs on the veth, through tcx links or clsact filters. */
    private List<Integer> tcPrograms(boolean tcx) {
        List<Integer> out = new java.util.ArrayList<>();
        for (DatapathLayout.TcHook hook : DatapathLayout.POD_DEVICES.hooks()) {
            if (tcx) out.addAll(Attachments.tcx(ifindex, hook.ingress()));
            else TcAttach.query(ifindex, hook.ingress(), hook.clsact(), hook.clsact()).ifPresent(out::add);
        }
        return out;
    }

    /** Puts {@code other} into the senda_ct4_prior slot of the program with id {@code program}, as a load did. */
    private static boolean lend(int program, BpfMap other) {
        List<BpfMap> maps = ProgramMaps.open(program);
        try {
            for (BpfMap m : maps) {
                if (!m.name().equals("senda_ct4_prior")) continue;
                m.update(new byte[4], java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder())
                        .putInt(other.fd()).array());
                return true;
            }
            return false;
        } finally {
            maps.forEach(BpfMap::close);
        }
    }

    private void attachAll(KernelFeatures features, Optional<Path> objects) {
        try (Datapath datapath = Datapath.load(root, features, Optional.empty(), objects)) {
            datapath.attachSocketLb(cgroup);
            datapath.attachPodDevices(Optional.of(veth));
            datapath.finishMigrations();
        }
    }

    private static int linkId(Path pin) {
        try (BpfLink link = BpfLink.openPinned(pin)) {
            return link.id();
        }
    }
}
