package dev.senda.maps.lb;

import dev.senda.maps.table.MapWriteException;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

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
class LbMapsPrivilegedTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    static IpAddress ip(String literal) {
        return IpAddress.parse(literal).orElseThrow();
    }

    static BackendKey b4(int id) {
        return new BackendKey(IpFamily.IPV4, id);
    }

    @Test
    void sourceRangesAreLpmEntriesOfBothFamilies() throws Exception {
        try (PinRoot pins = PinRoot.create()) {
            try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
                // the pins keep the maps
            }
            SourceRangeKey wide = SourceRangeKey.of(3, ip("10.0.0.0"), 8);
            SourceRangeKey narrow = SourceRangeKey.of(3, ip("10.1.2.0"), 24); // inside the wide one: both kept
            SourceRangeKey other = SourceRangeKey.of(4, ip("10.0.0.0"), 8);   // another frontend, same range
            SourceRangeKey six = SourceRangeKey.of(3, ip("fd00:1::"), 64);
            SourceRangeKey all = SourceRangeKey.of(5, ip("::"), 0);
            try (LbMaps maps = LbMaps.openPinned(pins.path())) {
                for (SourceRangeKey k : new SourceRangeKey[]{wide, narrow, other, six, all}) {
                    maps.sourceRanges().put(k, SourceRangeValue.ALLOW);
                }
                maps.sourceRanges().put(wide, SourceRangeValue.ALLOW); // upsert
                assertEquals(java.util.Set.of(wide, narrow, other, six, all), maps.sourceRanges().entries().keySet());
                maps.sourceRanges().delete(wide);
                maps.sourceRanges().delete(wide); // deleting a missing key succeeds
                maps.sourceRanges().delete(all);
                assertEquals(java.util.Set.of(narrow, other, six), maps.sourceRanges().entries().keySet(),
                        "an exact delete leaves the other prefixes of the same address alone");
            }
        }
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
            ServiceKey header6 = new ServiceKey(ip("fd00:96::a"), 80, Protocol.TCP, Scope.EXTERNAL, 0);
            BackendValue backend6 = new BackendValue(ip("fd00:10:244::7"), 8080, Protocol.TCP, BackendState.ACTIVE);
            RevNatValue revNat6 = new RevNatValue(ip("fd00:96::a"), 80);
            try (LbMaps maps = LbMaps.openPinned(pins.path())) {
                maps.backends().put(b4(7), backend);
                maps.services().put(header.withSlot(1), ServiceValue.slot(3, 7));
                maps.revNats().put(new RevNatKey(IpFamily.IPV4, 3), revNat);
                maps.services().put(header, ServiceValue.header(3, 1, 0));
                maps.services().put(header, ServiceValue.header(3, 1, 0)); // upsert: a retry is harmless
                // The IPv6 siblings: the key's family picks the map.
                maps.backends().put(new BackendKey(IpFamily.IPV6, 8), backend6);
                maps.services().put(header6, ServiceValue.header(4, 0, 0));
                maps.revNats().put(new RevNatKey(IpFamily.IPV6, 4), revNat6);

                assertEquals(Map.of(header, ServiceValue.header(3, 1, 0), header.withSlot(1), ServiceValue.slot(3, 7),
                        header6, ServiceValue.header(4, 0, 0)), maps.services().entries());
                assertEquals(Map.of(b4(7), backend, new BackendKey(IpFamily.IPV6, 8), backend6),
                        maps.backends().entries());
                assertEquals(Map.of(new RevNatKey(IpFamily.IPV4, 3), revNat, new RevNatKey(IpFamily.IPV6, 4), revNat6),
                        maps.revNats().entries());
            }
            try (LbMaps reopened = LbMaps.openPinned(pins.path())) {
                assertEquals(3, reopened.services().entries().size(), "state survives closing every fd");
                assertEquals(Map.of(header6, ServiceValue.header(4, 0, 0)),
                        ((dev.senda.maps.table.FamilySplitMap<ServiceKey, ServiceValue>) reopened.services())
                                .family(IpFamily.IPV6).entries(), "the IPv6 key went to senda_svc6_v1");
                reopened.services().delete(header);
                reopened.services().delete(header); // deleting a missing key succeeds
                reopened.services().delete(header.withSlot(1));
                reopened.services().delete(header6);
                reopened.revNats().delete(new RevNatKey(IpFamily.IPV4, 3));
                reopened.revNats().delete(new RevNatKey(IpFamily.IPV6, 4));
                reopened.backends().delete(b4(7));
                reopened.backends().delete(b4(7));
                reopened.backends().delete(new BackendKey(IpFamily.IPV6, 8));
                assertTrue(reopened.services().entries().isEmpty());
                assertTrue(reopened.backends().entries().isEmpty());
                assertTrue(reopened.revNats().entries().isEmpty());
            }
        }
    }

    @Test
    void anUndecodableEntryIsLeftOutOfTheViewInsteadOfFailingIt() throws Exception {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_sock.o", tmp), pins.path()).load()) {
            LbMaps maps = LbMaps.over(obj);
            BackendValue good = new BackendValue(ip("10.244.0.7"), 8080, Protocol.TCP, BackendState.ACTIVE);
            maps.backends().put(b4(7), good);
            // Backend 8 with state 9: no such SENDA_BACKEND_* value (as a hand edit with bpftool would leave).
            byte[] bad = dev.senda.maps.abi.Codecs.BACKEND4.encode(good);
            bad[bad.length - 1] = 9;
            obj.map("senda_backend4_v1").update(new byte[] {8, 0, 0, 0}, bad);

            assertEquals(Map.of(b4(7), good), maps.backends().entries());
        }
    }

    @Test
    void aFailedWriteNamesTheMapAndTheKeyAndChangesNothing() throws Exception {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            LbMaps maps = LbMaps.over(obj);
            BackendValue b = new BackendValue(ip("10.0.0.1"), 80, Protocol.TCP, BackendState.ACTIVE);
            maps.backends().put(b4(1), b);
            // A frozen map refuses every write from user space (EPERM): a cheap, certain failure.
            assertEquals(0, Lib.bpf_map_freeze(obj.map("senda_backend4_v1").fd()));
            MapWriteException e = assertThrows(MapWriteException.class, () -> maps.backends().put(b4(70000), b));
            assertTrue(e.getMessage().contains("senda_backend4_v1"), e.getMessage());
            assertTrue(e.getMessage().contains("backend 70000"), e.getMessage());
            assertEquals(LibbpfException.EPERM, ((LibbpfException) e.getCause()).errno());
            MapWriteException d = assertThrows(MapWriteException.class, () -> maps.backends().delete(b4(1)));
            assertTrue(d.getMessage().contains("backend 1 "), d.getMessage());
            assertEquals(Map.of(b4(1), b), maps.backends().entries(), "a failed write leaves the map as it was");

            ServiceKey key = new ServiceKey(ip("10.96.0.10"), 443, Protocol.TCP, Scope.EXTERNAL, 2);
            assertEquals(0, Lib.bpf_map_freeze(obj.map("senda_svc4_v1").fd()));
            MapWriteException s = assertThrows(MapWriteException.class,
                    () -> maps.services().put(key, ServiceValue.slot(1, 1)));
            assertTrue(s.getMessage().contains("senda_svc4_v1 for 10.96.0.10:443/TCP external slot 2"), s.getMessage());
            maps.close(); // does not close the object's maps
            assertTrue(obj.map("senda_svc4_v1").fd() > 0);
        }
    }

    @Test
    void rejectsMapsWithTheWrongLayoutAndMissingPins() {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> dev.senda.maps.table.KernelTypedMap.over(obj.map("senda_ct4_v2"), dev.senda.maps.abi.Codecs.SVC4_MAP));
            assertTrue(e.getMessage().contains("senda_ct4_v2"), e.getMessage());
            LibbpfException missing = assertThrows(LibbpfException.class,
                    () -> LbMaps.openPinned(pins.path().resolve("elsewhere")));
            assertEquals(LibbpfException.ENOENT, missing.errno());
        }
    }
}
