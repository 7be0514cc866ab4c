package dev.senda.maps.libbpf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.senda.maps.TestSupport;
import dev.senda.test.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attach, pin, survive, detach: cgroup links, tcx links and clsact filters. */
@Tag("privileged")
class LinkPrivilegedTest {
    @TempDir
    Path tmp;

    private PinRoot pins;
    private Path cgroup;
    private String veth;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @BeforeEach
    void setUp() throws Exception {
        pins = PinRoot.create();
        String name = TestSupport.uniqueName();
        cgroup = Files.createDirectory(TestSupport.cgroup2Root().resolve(name + "-maps-test"));
        veth = name + "a";
        TestSupport.run("ip", "link", "add", veth, "type", "veth", "peer", "name", name + "b");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (veth != null) TestSupport.runQuietly("ip", "link", "del", veth);
        } finally {
            try {
                // programs attached through links that are still pinned would keep it busy
                TestSupport.deleteTree(pins.path());
            } finally {
                if (cgroup != null) Files.deleteIfExists(cgroup);
            }
        }
    }

    private int ifindex() throws Exception {
        return NetDevices.indexOf(veth).orElseThrow(() -> new AssertionError("no device " + veth));
    }

    @Test
    void pinnedCgroupLinkOutlivesItsFdAndRemovePinnedDetachesIt() {
        try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_sock.o", tmp), pins.path()).load()) {
            BpfProgram connect = programIn(obj, "cgroup/connect4");
            Path pin = pins.path().resolve("link_connect4");
            try (BpfLink link = BpfLink.attachCgroup(connect, cgroup, CgroupAttachType.INET4_CONNECT)) {
                link.pin(pin);
            }
            assertEquals(List.of(connect.id()), Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT),
                    "attached after the link's fd is closed");
            assertTrue(BpfLink.removePinned(pin));
            assertFalse(Files.exists(pin));
            assertEquals(List.of(), Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT), "detached at once");
            assertFalse(BpfLink.removePinned(pin), "second removal finds nothing");
        }
    }

    @Test
    void unlinkingThePinDetachesOnceNoFdHoldsTheLink() {
        try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_sock.o", tmp), pins.path()).load()) {
            BpfProgram connect = programIn(obj, "cgroup/connect4");
            Path pin = pins.path().resolve("link_connect4");
            try (BpfLink link = BpfLink.attachCgroup(connect, cgroup, CgroupAttachType.INET4_CONNECT)) {
                link.pin(pin);
            }
            BpfLink holder = BpfLink.openPinned(pin);
            try {
                TestSupport.deleteTree(pin);
                // an open fd keeps the attachment
                assertEquals(List.of(connect.id()), Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT));
            } finally {
                holder.close();
            }
            // the kernel frees the link after the pin's inode is evicted (RCU-deferred): poll
            Poll.until(Duration.ofSeconds(5), () -> Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT).isEmpty(),
                    "the cgroup link to go away", () -> Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT));
        }
    }

    @Test
    void unpinnedLinkDetachesOnClose() {
        try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_sock.o", tmp), pins.path()).load()) {
            BpfProgram connect = programIn(obj, "cgroup/connect4");
            try (BpfLink ignored = BpfLink.attachCgroup(connect, cgroup, CgroupAttachType.INET4_CONNECT)) {
                assertEquals(1, Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT).size());
            }
            Poll.until(Duration.ofSeconds(5), () -> Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT).isEmpty(),
                    "the unpinned link to go away", () -> Attachments.cgroup(cgroup, CgroupAttachType.INET4_CONNECT));
        }
    }

    @Test
    void attachTypeMustMatchTheProgram() {
        try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_sock.o", tmp), pins.path()).load()) {
            BpfProgram connect = programIn(obj, "cgroup/connect4");
            assertThrows(IllegalArgumentException.class,
                    () -> BpfLink.attachCgroup(connect, cgroup, CgroupAttachType.UDP4_SENDMSG));
            LibbpfException noCgroup = assertThrows(LibbpfException.class, () -> BpfLink.attachCgroup(connect,
                    cgroup.resolve("missing"), CgroupAttachType.INET4_CONNECT));
            assertTrue(noCgroup.getMessage().contains("missing"), noCgroup.getMessage());
        }
    }

    @Test
    void tcxLinkPinsAndDetaches() throws Exception {
        try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            BpfProgram tc = programIn(obj, "tc");
            if (!kernelHasTcx()) {
                // before 6.6 (e.g. Debian 12's 6.1): refused as unsupported, which is what makes callers
                // fall back to clsact; the fallback itself must then work on the same device
                LibbpfException refused = assertThrows(LibbpfException.class,
                        () -> BpfLink.attachTcx(tc, ifindex(), true));
                assertTrue(refused.isUnsupported(), refused.getMessage());
                assertEquals(List.of(), Attachments.tcx(ifindex(), true));
                assertEquals(tc.id(), TcAttach.attach(tc, ifindex(), true).progId());
                assertTrue(TcAttach.detach(ifindex(), true));
                assertTrue(TcAttach.destroyClsact(ifindex()));
                return;
            }
            Path pin = pins.path().resolve("link_tcx_ingress");
            try (BpfLink link = BpfLink.attachTcx(tc, ifindex(), true)) {
                link.pin(pin);
            }
            assertEquals(List.of(tc.id()), Attachments.tcx(ifindex(), true));
            assertEquals(List.of(), Attachments.tcx(ifindex(), false));
            assertTrue(BpfLink.removePinned(pin));
            assertEquals(List.of(), Attachments.tcx(ifindex(), true));
        }
    }

    @Test
    void clsactFallbackAttachesIdempotentlyAndDetaches() throws Exception {
        try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            BpfProgram tc = programIn(obj, "tc");
            TcAttach.Attachment first = TcAttach.attach(tc, ifindex(), false);
            assertEquals(tc.id(), first.progId());
            TcAttach.Attachment again = TcAttach.attach(tc, ifindex(), false); // replaces in place
            assertEquals(first, again);
            assertTrue(TestSupport.run("tc", "filter", "show", "dev", veth, "egress").contains("direct-action"));
            assertTrue(TcAttach.detach(again));
            assertFalse(TcAttach.detach(ifindex(), false), "nothing left to detach");
            assertFalse(TcAttach.detach(ifindex(), true), "never attached on ingress");
            assertTrue(TcAttach.destroyClsact(ifindex()));
            assertFalse(TcAttach.destroyClsact(ifindex()));
        }
    }

    /** tcx (BPF_TCX_INGRESS/EGRESS links) arrived in Linux 6.6. */
    private static boolean kernelHasTcx() {
        String[] v = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(v[0]), minor = Integer.parseInt(v[1]);
        return major > 6 || (major == 6 && minor >= 6);
    }

    private static BpfProgram programIn(BpfObject obj, String section) {
        return obj.programs().stream().filter(p -> section.equals(p.sectionName())).findFirst()
                .orElseThrow(() -> new AssertionError(obj.file() + " has no program in section " + section));
    }
}
