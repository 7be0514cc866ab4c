package dev.senda.maps.lb;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;

import dev.senda.maps.TestSupport;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.libbpf.PinRoot;
import me.bechberger.ebpf.bpf.raw.Lib;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("privileged")
class KernelLbMapsPrivilegedTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    static Inet4Address ip(String literal) throws Exception {
        return (Inet4Address) InetAddress.getByName(literal);
    }

    @Test
    void writesReadsAndDeletesThroughThePinnedMaps() throws Exception {
        try (PinRoot pins = PinRoot.create()) {
            try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_sock.o", tmp), pins.path()).load()) {
                // the object may close: the pins keep the maps
            }
            ServiceKey header = new ServiceKey(ip("10.96.0.10"), 80, Protocol.TCP, Scope.EXTERNAL, 0);
            BackendValue backend = new BackendValue(ip("10.244.0.7"), 8080, Protocol.TCP, BackendState.ACTIVE);
            RevNatValue revNat = new RevNatValue(ip("10.96.0.10"), 80);
            try (KernelLbMaps maps = KernelLbMaps.openPinned(pins.path())) {
                maps.putBackend(7, backend);
                maps.putService(header.withSlot(1), ServiceValue.slot(3, 7));
                maps.putRevNat(3, revNat);
                maps.putService(header, ServiceValue.header(3, 1, 0));
                maps.putService(header, ServiceValue.header(3, 1, 0)); // upsert: a retry is harmless

                assertEquals(Map.of(header, ServiceValue.header(3, 1, 0), header.withSlot(1), ServiceValue.slot(3, 7)),
                        maps.services());
                assertEquals(Map.of(7, backend), maps.backends());
                assertEquals(Map.of(3, revNat), maps.revNats());
            }
            try (KernelLbMaps reopened = KernelLbMaps.openPinned(pins.path())) {
                assertEquals(2, reopened.services().size(), "state survives closing every fd");
                reopened.deleteService(header);
                reopened.deleteService(header); // deleting a missing key succeeds
                reopened.deleteService(header.withSlot(1));
                reopened.deleteRevNat(3);
                reopened.deleteBackend(7);
                reopened.deleteBackend(7);
                assertTrue(reopened.services().isEmpty());
                assertTrue(reopened.backends().isEmpty());
                assertTrue(reopened.revNats().isEmpty());
            }
        }
    }

    @Test
    void anUndecodableEntryIsLeftOutOfTheViewInsteadOfFailingIt() throws Exception {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_sock.o", tmp), pins.path()).load()) {
            KernelLbMaps maps = new KernelLbMaps(obj.map("senda_svc4_v1"), obj.map("senda_backend4_v1"),
                    obj.map("senda_revnat4_v1"));
            BackendValue good = new BackendValue(ip("10.244.0.7"), 8080, Protocol.TCP, BackendState.ACTIVE);
            maps.putBackend(7, good);
            // Backend 8 with state 9: no such SENDA_BACKEND_* value (as a hand edit with bpftool would leave).
            byte[] bad = dev.senda.maps.abi.Codecs.BACKEND4.encode(good);
            bad[bad.length - 1] = 9;
            obj.map("senda_backend4_v1").update(new byte[] {8, 0, 0, 0}, bad);

            assertEquals(Map.of(7, good), maps.backends());
        }
    }

    @Test
    void aFailedWriteNamesTheMapAndTheKeyAndChangesNothing() throws Exception {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            KernelLbMaps maps = new KernelLbMaps(obj.map("senda_svc4_v1"), obj.map("senda_backend4_v1"),
                    obj.map("senda_revnat4_v1"));
            BackendValue b = new BackendValue(ip("10.0.0.1"), 80, Protocol.TCP, BackendState.ACTIVE);
            maps.putBackend(1, b);
            // A frozen map refuses every write from user space (EPERM): a cheap, certain failure.
            assertEquals(0, Lib.bpf_map_freeze(obj.map("senda_backend4_v1").fd()));
            MapWriteException e = assertThrows(MapWriteException.class, () -> maps.putBackend(70000, b));
            assertTrue(e.getMessage().contains("senda_backend4_v1"), e.getMessage());
            assertTrue(e.getMessage().contains("backend 70000"), e.getMessage());
            assertEquals(LibbpfException.EPERM, ((LibbpfException) e.getCause()).errno());
            MapWriteException d = assertThrows(MapWriteException.class, () -> maps.deleteBackend(1));
            assertTrue(d.getMessage().contains("backend 1 "), d.getMessage());
            assertEquals(Map.of(1, b), maps.backends(), "a failed write leaves the map as it was");

            ServiceKey key = new ServiceKey(ip("10.96.0.10"), 443, Protocol.TCP, Scope.EXTERNAL, 2);
            assertEquals(0, Lib.bpf_map_freeze(obj.map("senda_svc4_v1").fd()));
            MapWriteException s = assertThrows(MapWriteException.class,
                    () -> maps.putService(key, ServiceValue.slot(1, 1)));
            assertTrue(s.getMessage().contains("senda_svc4_v1 for 10.96.0.10:443/TCP external slot 2"), s.getMessage());
            maps.close(); // does not close the object's maps
            assertTrue(obj.map("senda_svc4_v1").fd() > 0);
        }
    }

    @Test
    void rejectsMapsWithTheWrongLayoutAndMissingPins() {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KernelLbMaps(
                    obj.map("senda_ct4_v2"), obj.map("senda_backend4_v1"), obj.map("senda_revnat4_v1")));
            assertTrue(e.getMessage().contains("senda_ct4_v2"), e.getMessage());
            LibbpfException missing = assertThrows(LibbpfException.class,
                    () -> KernelLbMaps.openPinned(pins.path().resolve("elsewhere")));
            assertEquals(LibbpfException.ENOENT, missing.errno());
        }
    }
}
