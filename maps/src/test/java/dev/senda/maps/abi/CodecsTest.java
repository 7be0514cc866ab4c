package dev.senda.maps.abi;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;

import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.CtDirection;
import dev.senda.maps.lb.CtKey;
import dev.senda.maps.lb.CtValue;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SockRevNatKey;
import dev.senda.maps.lb.SockRevNatValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Byte-exact encodings of every map struct. "be" fields are compared in wire order; host-order
 * fields in little-endian, the order of every CPU Senda runs on (x86_64, aarch64).
 */
class CodecsTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    @BeforeAll
    static void littleEndianHost() {
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder(), "expected bytes below assume a little-endian host");
    }

    static Inet4Address ip(String literal) throws Exception {
        return (Inet4Address) InetAddress.getByName(literal); // a literal: no DNS lookup
    }

    private static <T> void exact(StructCodec<T> codec, T value, String hex) {
        byte[] encoded = codec.encode(value);
        assertEquals(hex, HEX.formatHex(encoded), codec.cName());
        assertEquals(value, codec.decode(encoded), codec.cName() + " round trip");
    }

    @Test
    void serviceKeyOfVip10_96_0_10Port80() throws Exception {
        exact(Codecs.SVC4_KEY, new ServiceKey(ip("10.96.0.10"), 80, Protocol.TCP, Scope.EXTERNAL, 0),
                "0a 60 00 0a 00 50 06 00 00 00 00 00");
        exact(Codecs.SVC4_KEY, new ServiceKey(ip("10.96.0.10"), 53, Protocol.UDP, Scope.INTERNAL, 258),
                "0a 60 00 0a 00 35 11 01 02 01 00 00");
    }

    @Test
    void serviceValues() {
        exact(Codecs.SVC4_VALUE, ServiceValue.header(7, 3, 0), "00 00 00 00 07 00 00 00 03 00 00 00");
        exact(Codecs.SVC4_VALUE, ServiceValue.slot(7, 0x01020304), "04 03 02 01 07 00 00 00 00 00 00 00");
        exact(Codecs.SVC4_VALUE, new ServiceValue(-1, -2, 0xffff, 0xff), "ff ff ff ff fe ff ff ff ff ff ff 00");
    }

    @Test
    void backend() throws Exception {
        exact(Codecs.BACKEND4, new BackendValue(ip("10.244.1.5"), 8080, Protocol.TCP, BackendState.ACTIVE),
                "0a f4 01 05 1f 90 06 00");
        exact(Codecs.BACKEND4, new BackendValue(ip("192.168.0.255"), 65535, Protocol.SCTP, BackendState.TERMINATING),
                "c0 a8 00 ff ff ff 84 01");
    }

    @Test
    void revNat() throws Exception {
        exact(Codecs.REVNAT4, new RevNatValue(ip("10.96.0.10"), 53), "0a 60 00 0a 00 35 00 00");
    }

    @Test
    void conntrack() throws Exception {
        exact(Codecs.CT4_KEY, new CtKey(ip("10.0.0.1"), ip("10.96.0.10"), 40000, 80, Protocol.TCP, CtDirection.FORWARD),
                "0a 00 00 01 0a 60 00 0a 9c 40 00 50 06 00 00 00");
        exact(Codecs.CT4_KEY, new CtKey(ip("10.244.1.5"), ip("10.0.0.1"), 8080, 40000, Protocol.UDP, CtDirection.REPLY),
                "0a f4 01 05 0a 00 00 01 1f 90 9c 40 11 01 00 00");
        exact(Codecs.CT4_VALUE, new CtValue(ip("10.244.1.5"), ip("10.0.0.1"), 8080, 40000, 7, CtValue.FLAG_HAIRPIN,
                        0xfffffffeL, 0x01020304),
                "0a f4 01 05 0a 00 00 01 1f 90 9c 40 07 00 00 00 01 00 00 00 fe ff ff ff 04 03 02 01");
        exact(Codecs.CT4_VALUE, new CtValue(ip("10.244.1.5"), ip("10.0.0.1"), 8080, 40000, 7, 0, 5, -1),
                "0a f4 01 05 0a 00 00 01 1f 90 9c 40 07 00 00 00 00 00 00 00 05 00 00 00 ff ff ff ff");
    }

    @Test
    void socketReverseNat() throws Exception {
        exact(Codecs.SOCK_REVNAT4_KEY, new SockRevNatKey(0x0102030405060708L, ip("10.244.1.5"), 8080),
                "08 07 06 05 04 03 02 01 0a f4 01 05 1f 90 00 00");
        exact(Codecs.SOCK_REVNAT4_KEY, new SockRevNatKey(-1L, ip("0.0.0.0"), 0),
                "ff ff ff ff ff ff ff ff 00 00 00 00 00 00 00 00");
        exact(Codecs.SOCK_REVNAT4_VALUE, new SockRevNatValue(ip("10.96.0.10"), 80, 9),
                "0a 60 00 0a 00 50 00 00 09 00 00 00");
    }

    @Test
    void u32Keys() {
        assertEquals("07 00 00 00", HEX.formatHex(U32Codec.encode(7)));
        assertEquals("ff ff ff ff", HEX.formatHex(U32Codec.encode(-1)));
        assertEquals(0x01020304, U32Codec.decode(HEX.parseHex("04 03 02 01")));
    }

    @Test
    void sizesMatchTheHeaders() {
        assertEquals(12, Codecs.SVC4_KEY.size());
        assertEquals(12, Codecs.SVC4_VALUE.size());
        assertEquals(8, Codecs.BACKEND4.size());
        assertEquals(8, Codecs.REVNAT4.size());
        assertEquals(16, Codecs.CT4_KEY.size());
        assertEquals(28, Codecs.CT4_VALUE.size());
        assertEquals(16, Codecs.SOCK_REVNAT4_KEY.size());
        assertEquals(12, Codecs.SOCK_REVNAT4_VALUE.size());
        assertEquals(16, Codecs.SOCK_FLOW4_KEY.size());
        assertEquals(12, Codecs.SOCK_FLOW4_VALUE.size());
        assertEquals(10, Codecs.ALL.size());
    }

    @Test
    void everyLayoutFieldIsNamedAndPaddingIsExplicit() {
        for (StructCodec<?> codec : Codecs.ALL) {
            assertTrue(codec.layout().memberLayouts().stream().allMatch(l -> l.name().isPresent()), codec.cName());
            long sum = codec.layout().memberLayouts().stream().mapToLong(l -> l.byteSize()).sum();
            assertEquals(codec.size(), sum, codec.cName() + ": no implicit padding");
        }
    }

    @Test
    void decodeRejectsWrongLengthAndUnknownValues() {
        assertThrows(IllegalArgumentException.class, () -> Codecs.SVC4_KEY.decode(new byte[11]));
        // proto 0 is no protocol Senda balances
        assertThrows(IllegalArgumentException.class, () -> Codecs.SVC4_KEY.decode(new byte[12]));
        byte[] badState = HEX.parseHex("0a 00 00 01 00 50 06 07");
        assertThrows(IllegalArgumentException.class, () -> Codecs.BACKEND4.decode(badState));
    }

    @Test
    void paddingIsWrittenAsZero() throws Exception {
        byte[] key = Codecs.SVC4_KEY.encode(new ServiceKey(ip("255.255.255.255"), 0xffff, Protocol.SCTP, Scope.INTERNAL, 0xffff));
        assertArrayEquals(new byte[] {0, 0}, new byte[] {key[10], key[11]});
    }
}
