package dev.senda.maps.lb;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;

import dev.senda.maps.TestSupport;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.libbpf.PinRoot;
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
    void aFailedWriteNamesTheMapAndTheKey() throws Exception {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            KernelLbMaps maps = new KernelLbMaps(obj.map("senda_svc4_v1"), obj.map("senda_backend4_v1"),
                    obj.map("senda_revnat4_v1"));
            int capacity = obj.map("senda_backend4_v1").info().maxEntries();
            BackendValue b = new BackendValue(ip("10.0.0.1"), 80, Protocol.TCP, BackendState.ACTIVE);
            for (int id = 1; id <= capacity; id++) maps.putBackend(id, b);
            MapWriteException full = assertThrows(MapWriteException.class, () -> maps.putBackend(capacity + 1, b));
            assertTrue(full.getMessage().contains("senda_backend4_v1"), full.getMessage());
            assertTrue(full.getMessage().contains("backend " + (capacity + 1)), full.getMessage());
            assertEquals(LibbpfException.E2BIG, ((LibbpfException) full.getCause()).errno());
            maps.putBackend(1, b); // replacing an existing entry still works in a full map
            maps.close(); // does not close the object's maps
            assertEquals(capacity, maps.backends().size());
        }
    }

    @Test
    void rejectsMapsWithTheWrongLayoutAndMissingPins() {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KernelLbMaps(
                    obj.map("senda_ct4_v1"), obj.map("senda_backend4_v1"), obj.map("senda_revnat4_v1")));
            assertTrue(e.getMessage().contains("senda_ct4_v1"), e.getMessage());
            LibbpfException missing = assertThrows(LibbpfException.class,
                    () -> KernelLbMaps.openPinned(pins.path().resolve("elsewhere")));
            assertEquals(LibbpfException.ENOENT, missing.errno());
        }
    }
}
