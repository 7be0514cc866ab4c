package dev.senda.datapath;

import dev.senda.maps.TestSupport;
import dev.senda.maps.features.Feature;
import dev.senda.maps.features.FeatureProbe;
import dev.senda.maps.features.Finding;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.libbpf.Attachments;
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
 * {@code --node-devices} beside {@code --pod-devices}: node interfaces get the from-net program at
 * ingress only, under pins and clsact handles of their own, and dropping one kind's glob removes that
 * kind's attachments and never the other's; cleanup removes both.
 */
@Tag("privileged")
class NodeDevicesPrivilegedTest {
    private static final KernelFeatures REAL = FeatureProbe.probe();

    private ScratchDatapath scratch;
    private Path root;
    private String pod;
    private String node;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @BeforeEach
    void setUp() throws Exception {
        scratch = ScratchDatapath.create("sdhelpN");
        root = scratch.root;
        pod = scratch.veth("p", "q");
        node = scratch.veth("n", "m");
    }

    @AfterEach
    void tearDown() throws Exception {
        scratch.close();
    }

    private Path nodePin() {
        return DatapathLayout.tcLinkPin(root, DatapathLayout.NODE_TC_HOOKS.getFirst(), node);
    }

    @Test
    void nodeDevicesGetIngressOnlyAndEachKindLeavesTheOtherAlone() throws Exception {
        if (!REAL.has(Feature.TCX)) return; // the clsact path is the test below
        int podIndex = NetDevices.indexOf(pod).orElseThrow();
        int nodeIndex = NetDevices.indexOf(node).orElseThrow();
        try (Datapath datapath = Datapath.load(root, REAL)) {
            datapath.attachPodDevices(Optional.of(pod));
            datapath.attachNodeDevices(Optional.of(node));
            assertTrue(Files.exists(nodePin()), "node ingress pin");
            assertTrue(nodePin().getFileName().toString().startsWith("tc_node_ingress_"), nodePin().toString());
            assertEquals(1, Attachments.tcx(nodeIndex, true).size(), "from-net at ingress");
            assertEquals(List.of(), Attachments.tcx(nodeIndex, false), "nothing at egress of a node device");
            assertEquals(1, Attachments.tcx(podIndex, true).size());
            assertEquals(1, Attachments.tcx(podIndex, false).size());

            // the pod attacher's sweep of stale pins must not take the node's
            datapath.attachPodDevices(Optional.of(pod));
            assertTrue(Files.exists(nodePin()), "node pin survives a pod re-attach");

            datapath.attachNodeDevices(Optional.empty());
            assertFalse(Files.exists(nodePin()), "node pin removed without --node-devices");
            assertEquals(List.of(), Attachments.tcx(nodeIndex, true));
            assertTrue(Files.exists(DatapathLayout.tcLinkPin(root, pod)), "pod pin stays");
            assertEquals(1, Attachments.tcx(podIndex, true).size());

            datapath.attachNodeDevices(Optional.of(node));
            datapath.attachPodDevices(Optional.empty());
            assertFalse(Files.exists(DatapathLayout.tcLinkPin(root, pod)), "pod pin removed without --pod-devices");
            assertTrue(Files.exists(nodePin()), "node pin stays");
        }
        Cleanup.Report report = Cleanup.run(root);
        assertTrue(report.detached().contains(nodePin().getFileName().toString()), report.toString());
        assertEquals(List.of(), Attachments.tcx(nodeIndex, true));
    }

    @Test
    void withoutTcxNodeDevicesGetAClsactFilterOfTheirOwn() throws Exception {
        try (Datapath datapath = Datapath.load(root, REAL.with(Feature.TCX, Finding.no("faked")))) {
            datapath.attachPodDevices(Optional.of(pod));
            datapath.attachNodeDevices(Optional.of(node));
            String filters = TestSupport.run("tc", "filter", "show", "dev", node, "ingress");
            assertTrue(filters.contains("pref " + DatapathLayout.CLSACT_NODE_HANDLE + " bpf"), "node filter: " + filters);
            // the kernel keeps 15 characters of a program's name: senda_tc_from_n(et), not _from_p(od)
            assertTrue(filters.contains("name senda_tc_from_n "), "the from-net program: " + filters);
            assertEquals("", TestSupport.run("tc", "filter", "show", "dev", node, "egress"), "nothing at egress");

            // a restarted agent without --node-devices removes the node filter, not the pods'
            datapath.attachNodeDevices(Optional.empty());
            assertEquals("", TestSupport.run("tc", "filter", "show", "dev", node, "ingress"));
            assertTrue(TestSupport.run("tc", "filter", "show", "dev", pod, "ingress")
                    .contains("pref " + DatapathLayout.CLSACT_PRIORITY + " bpf"), "pod filter stays");
            datapath.attachNodeDevices(Optional.of(node));
        }
        Cleanup.run(root);
        assertEquals("", TestSupport.run("tc", "filter", "show", "dev", node, "ingress"), "cleanup removes it");
        assertEquals("", TestSupport.run("tc", "filter", "show", "dev", pod, "ingress"));
    }
}
