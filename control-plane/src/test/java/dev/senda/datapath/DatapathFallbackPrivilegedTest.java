package dev.senda.datapath;

import dev.senda.maps.TestSupport;
import dev.senda.maps.features.Feature;
import dev.senda.maps.features.FeatureProbe;
import dev.senda.maps.features.Finding;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.libbpf.Attachments;
import dev.senda.maps.libbpf.CgroupAttachType;
import dev.senda.maps.libbpf.NetDevices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real loader on this kernel, told by made-up features that something is missing: it loads and
 * attaches the rest and takes the fallback, never failing.
 */
@Tag("privileged")
class DatapathFallbackPrivilegedTest {
    private static final KernelFeatures REAL = FeatureProbe.probe();

    private ScratchDatapath scratch;
    private Path root;
    private Path cgroup;
    private String veth;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @BeforeEach
    void setUp() throws Exception {
        scratch = ScratchDatapath.create("sdhelpD");
        root = scratch.root;
        cgroup = scratch.cgroup();
    }

    @AfterEach
    void tearDown() throws Exception {
        scratch.close();
    }

    @Test
    void socketLbAttachesTheHooksTheKernelHasAndLeavesOutTheRest() {
        KernelFeatures features = REAL.with(Feature.GETPEERNAME6, Finding.no("faked"))
                .with(Feature.SET_RETVAL, Finding.no("faked"));
        try (Datapath datapath = Datapath.load(root, features)) {
            datapath.attachSocketLb(cgroup);
        }
        assertEquals(1, Attachments.cgroup(cgroup, CgroupAttachType.UDP4_RECVMSG).size());
        assertEquals(1, Attachments.cgroup(cgroup, CgroupAttachType.INET4_GETPEERNAME).size());
        assertEquals(1, Attachments.cgroup(cgroup, CgroupAttachType.UDP6_RECVMSG).size());
        for (CgroupAttachType leftOut : List.of(CgroupAttachType.INET6_GETPEERNAME, CgroupAttachType.INET4_CONNECT,
                CgroupAttachType.UDP4_SENDMSG, CgroupAttachType.INET6_CONNECT, CgroupAttachType.UDP6_SENDMSG)) {
            assertEquals(List.of(), Attachments.cgroup(cgroup, leftOut), leftOut.toString());
        }
    }

    @Test
    void withoutTcxPodDevicesGetAClsactFilter() throws Exception {
        veth = scratch.veth("a", "b");
        int ifindex = NetDevices.indexOf(veth).orElseThrow();
        try (Datapath datapath = Datapath.load(root, REAL.with(Feature.TCX, Finding.no("faked")))) {
            datapath.attachPodDevices(Optional.of(veth));
        }
        String filters = TestSupport.run("tc", "filter", "show", "dev", veth, "ingress");
        assertTrue(filters.contains("pref " + DatapathLayout.CLSACT_PRIORITY + " bpf"), "Senda's filter: " + filters);
        assertFalse(Files.exists(DatapathLayout.tcLinkPin(root, veth)), "no tcx link");
        assertEquals(List.of(), Attachments.tcx(ifindex, true));
    }

    @Test
    void withTcxPodDevicesGetAPinnedTcxLink() throws Exception {
        if (!REAL.has(Feature.TCX)) return; // the kernel decides here; the clsact case is the test above
        veth = scratch.veth("a", "b");
        int ifindex = NetDevices.indexOf(veth).orElseThrow();
        try (Datapath datapath = Datapath.load(root, REAL)) {
            datapath.attachPodDevices(Optional.of(veth));
        }
        assertTrue(Files.exists(DatapathLayout.tcLinkPin(root, veth)));
        assertEquals(1, Attachments.tcx(ifindex, true).size());
        assertEquals("", TestSupport.run("tc", "filter", "show", "dev", veth, "ingress"), "no clsact filter");
    }
}
