package dev.senda.maps.libbpf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.senda.maps.TestSupport;
import dev.senda.maps.abi.Codecs;
import dev.senda.maps.abi.U32Codec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("privileged")
class BpfObjectPrivilegedTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void loadsTheRealObjectsAndPinsTheirMapsByName() {
        try (PinRoot pins = PinRoot.create()) {
            for (String name : List.of("senda_sock.o", "senda_tc.o")) {
                try (BpfObject obj = BpfObject.open(TestSupport.bpfObject(name, tmp), pins.path()).load()) {
                    assertFalse(obj.programs().isEmpty(), name + " has programs");
                    for (BpfProgram p : obj.programs()) assertTrue(p.fd() > 0 && p.id() > 0, p.name());
                    BpfMap svc = obj.map("senda_svc4_v1");
                    assertEquals(Codecs.SVC4_KEY.size(), svc.keySize());
                    assertEquals(Codecs.SVC4_VALUE.size(), svc.valueSize());
                    assertEquals("senda_svc4_v1", svc.info().name());
                }
            }
            for (String map : List.of("senda_svc4_v1", "senda_backend4_v1", "senda_revnat4_v1", "senda_ct4_v2",
                    "senda_sockrevnat4_v1")) {
                assertTrue(Files.exists(pins.path().resolve(map)), map + " pinned");
            }
            // least privilege: every pin is readable and writable by its owner (root) only
            try (var listing = Files.list(pins.path())) {
                for (Path pin : listing.toList()) {
                    assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                            Files.getPosixFilePermissions(pin), pin + " mode");
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void secondOpenWithTheSamePinRootSeesTheFirstOnesEntries() {
        Path object = TestSupport.bpfObject("senda_tc.o", tmp);
        byte[] key = U32Codec.encode(42);
        byte[] value = {10, 0, 0, 42, 0, 80, 6, 0};
        try (PinRoot pins = PinRoot.create()) {
            int firstId;
            try (BpfObject first = BpfObject.open(object, pins.path()).load()) {
                BpfMap backends = first.map("senda_backend4_v1");
                backends.update(key, value);
                firstId = backends.info().id();
            }
            // The first object is closed: only the pin keeps the map (and the entry) alive.
            try (BpfObject second = BpfObject.open(object, pins.path()).load()) {
                BpfMap backends = second.map("senda_backend4_v1");
                assertEquals(firstId, backends.info().id(), "same kernel map reused");
                assertArrayEquals(value, backends.lookup(key));
                assertEquals(1, backends.keys().size());
            }
            try (BpfMap pinned = BpfMap.openPinned(pins.path().resolve("senda_backend4_v1"))) {
                assertArrayEquals(value, pinned.lookup(key));
                assertTrue(pinned.delete(key));
                assertFalse(pinned.delete(key), "deleting a missing key is not an error");
                assertNull(pinned.lookup(key));
                assertTrue(pinned.keys().isEmpty());
            }
        }
    }

    @Test
    void withoutPinRootNothingIsPinned() {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), null).load()) {
            assertTrue(obj.map("senda_svc4_v1").fd() > 0);
            try (var files = Files.list(pins.path())) {
                assertEquals(0, files.count());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void testRunExecutesATcProgramOnAPacket() {
        try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), null).load()) {
            BpfProgram tc = obj.programs().stream().filter(p -> p.sectionName().startsWith("tc")).findFirst()
                    .orElseThrow(() -> new AssertionError("senda_tc.o has no tc program"));
            byte[] packet = Packets.tcpSyn("192.0.2.2", 40000, "192.0.2.1", 9);
            TestRunResult r = tc.testRun(packet, 5);
            assertEquals(packet.length, r.dataOut().length);
            assertTrue(r.durationNsPerRun() >= 0);
        }
    }

    @Test
    void errorsNameWhatFailed() {
        LibbpfException missing = assertThrows(LibbpfException.class,
                () -> BpfObject.open(tmp.resolve("nope.o"), null));
        assertTrue(missing.getMessage().contains("nope.o"), missing.getMessage());
        assertEquals(LibbpfException.ENOENT, missing.errno());

        try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), null)) {
            LibbpfException noMap = assertThrows(LibbpfException.class, () -> obj.map("senda_nothing"));
            assertTrue(noMap.getMessage().contains("senda_nothing"), noMap.getMessage());
            assertThrows(IllegalStateException.class, () -> obj.map("senda_svc4_v1").fd(), "not loaded yet");
        }
        LibbpfException noPin = assertThrows(LibbpfException.class,
                () -> BpfMap.openPinned(Path.of("/sys/fs/bpf/senda-no-such-pin")));
        assertEquals(LibbpfException.ENOENT, noPin.errno());
        assertTrue(noPin.getMessage().contains("senda-no-such-pin"), noPin.getMessage());
    }

    @Test
    void aVerifierRejectionCarriesTheVerifiersReason() throws Exception {
        Path c = tmp.resolve("unchecked.c");
        Files.writeString(c, """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                SEC("tc")
                int unchecked(struct __sk_buff *skb)
                {
                        return *(int *)(long)skb->data; /* no bounds check */
                }
                char LICENSE[] SEC("license") = "GPL";
                """);
        Path object = TestSupport.compileBpf(c, tmp.resolve("unchecked.o"));
        try (BpfObject obj = BpfObject.open(object, null)) {
            LibbpfException e = assertThrows(LibbpfException.class, obj::load);
            assertEquals(13, e.errno(), "EACCES from the verifier");
            assertTrue(e.getMessage().contains("unchecked.o"), e.getMessage());
            assertTrue(e.getMessage().contains("invalid access to packet"), e.getMessage());
        }
    }

    @Test
    void wrongSizedKeysAreRejectedBeforeTheSyscall() {
        try (BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), null).load()) {
            BpfMap svc = obj.map("senda_svc4_v1");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> svc.lookup(new byte[4]));
            assertTrue(e.getMessage().contains("senda_svc4_v1"), e.getMessage());
        }
    }
}
