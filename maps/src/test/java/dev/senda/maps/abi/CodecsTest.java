package dev.senda.maps.abi;

import java.nio.ByteOrder;
import java.util.HexFormat;

import dev.senda.net.IpAddress;
import dev.senda.maps.lb.AffinityKey;
import dev.senda.maps.lb.AffinityValue;
import dev.senda.maps.lb.SourceRangeKey;
import dev.senda.maps.lb.SourceRangeValue;
import dev.senda.maps.lb.BackendKey;
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

    static IpAddress ip(String literal) {
        return IpAddress.parse(literal).orElseThrow();
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
    void affinityHeader() {
        // timeout 10800 s = 0x2a30 in the header's backend_id, flag 0x01
        exact(Codecs.SVC4_VALUE, ServiceValue.header(7, 3, 0, 10800), "30 2a 00 00 07 00 00 00 03 00 01 00");
        assertEquals(10800, ServiceValue.header(7, 3, 0, 10800).affinityTimeout());
        assertEquals(ServiceValue.header(7, 3, 0), ServiceValue.header(7, 3, 0, 0));
        assertEquals(0, ServiceValue.header(7, 3, 0).affinityTimeout());
    }

    @Test
    void affinity() throws Exception {
        exact(Codecs.AFFINITY4_KEY, new AffinityKey(0, ip("10.244.1.5"), 9),
                "00 00 00 00 00 00 00 00 0a f4 01 05 09 00 00 00");
        exact(Codecs.AFFINITY4_KEY, new AffinityKey(0x0102030405060708L, ip("0.0.0.0"), 0x0a0b),
                "08 07 06 05 04 03 02 01 00 00 00 00 0b 0a 00 00");
        exact(Codecs.AFFINITY6_KEY, new AffinityKey(0, ip("fd00:10:244::5"), 9),
                "00 00 00 00 00 00 00 00 fd 00 00 10 02 44 00 00 00 00 00 00 00 00 00 05 09 00 00 00 00 00 00 00");
        exact(Codecs.AFFINITY_VALUE, new AffinityValue(0x01020304, -2, 3),
                "04 03 02 01 fe ff ff ff 03 00 00 00");
    }

    @Test
    void sourceRangeKeysCountTheServiceIdInTheirPrefix() {
        // prefixlen 32 + 24 (host order), service id 7 (host order), 10.1.2.0 (network order)
        exact(Codecs.SRC_RANGE4_KEY, SourceRangeKey.of(7, ip("10.1.2.3"), 24),
                "38 00 00 00 07 00 00 00 0a 01 02 00");
        exact(Codecs.SRC_RANGE6_KEY, SourceRangeKey.of(0x0102, ip("fd00:1::ff"), 128),
                "a0 00 00 00 02 01 00 00 fd 00 00 01 00 00 00 00 00 00 00 00 00 00 00 ff");
        exact(Codecs.SRC_RANGE4_KEY, SourceRangeKey.of(1, ip("192.0.2.1"), 0),
                "20 00 00 00 01 00 00 00 00 00 00 00");
        exact(Codecs.SRC_RANGE_VALUE, SourceRangeValue.ALLOW, "01");
        assertThrows(IllegalArgumentException.class, () -> Codecs.SRC_RANGE_VALUE.decode(new byte[1]));
        // host bits must be clear in a key built directly
        assertThrows(IllegalArgumentException.class, () -> new SourceRangeKey(1, ip("10.1.2.3"), 24));
        // a prefixlen shorter than the id is no Senda entry
        assertThrows(IllegalArgumentException.class,
                () -> Codecs.SRC_RANGE4_KEY.decode(HEX.parseHex("10 00 00 00 01 00 00 00 00 00 00 00")));
    }

    @Test
    void u32Keys() {
        assertEquals("07 00 00 00", HEX.formatHex(U32Codec.encode(7)));
        assertEquals("ff ff ff ff", HEX.formatHex(U32Codec.encode(-1)));
        assertEquals(0x01020304, U32Codec.decodeInt(HEX.parseHex("04 03 02 01")));
        // The family of a backend key comes from the map it is read from.
        assertEquals(new BackendKey(dev.senda.net.IpFamily.IPV6, 7),
                Codecs.BACKEND6_MAP.key().decode(HEX.parseHex("07 00 00 00")));
        // into a batch buffer: the same bytes at the offset, nothing around them touched
        byte[] batch = new byte[12];
        Codecs.BACKEND6_MAP.key().encodeInto(new BackendKey(dev.senda.net.IpFamily.IPV6, 0x01020304), batch, 4);
        assertEquals("00 00 00 00 04 03 02 01 00 00 00 00", HEX.formatHex(batch));
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
        assertEquals(24, Codecs.SVC6_KEY.size());
        assertEquals(12, Codecs.SVC6_VALUE.size());
        assertEquals(20, Codecs.BACKEND6.size());
        assertEquals(20, Codecs.REVNAT6.size());
        assertEquals(40, Codecs.CT6_KEY.size());
        assertEquals(52, Codecs.CT6_VALUE.size());
        assertEquals(32, Codecs.SOCK_REVNAT6_KEY.size());
        assertEquals(24, Codecs.SOCK_REVNAT6_VALUE.size());
        assertEquals(32, Codecs.SOCK_FLOW6_KEY.size());
        assertEquals(24, Codecs.SOCK_FLOW6_VALUE.size());
        assertEquals(16, Codecs.AFFINITY4_KEY.size());
        assertEquals(32, Codecs.AFFINITY6_KEY.size());
        assertEquals(12, Codecs.AFFINITY_VALUE.size());
        assertEquals(16, Codecs.NAT4_KEY.size());
        assertEquals(40, Codecs.NAT6_KEY.size());
        assertEquals(12, Codecs.NAT4_VALUE.size());
        assertEquals(24, Codecs.NAT6_VALUE.size());
        assertEquals(4, Codecs.NODEADDR4.size());
        assertEquals(16, Codecs.NODEADDR6.size());
        assertEquals(12, Codecs.SRC_RANGE4_KEY.size());
        assertEquals(24, Codecs.SRC_RANGE6_KEY.size());
        assertEquals(1, Codecs.SRC_RANGE_VALUE.size());
        assertEquals(44, Codecs.ALL.size());  // 12 of them NetworkPolicy's: PolicyCodecsTest
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

    @Test
    void ipv6StructsCarrySixteenAddressBytesInWireOrder() {
        exact(Codecs.SVC6_KEY, new ServiceKey(ip("fd00:96::a"), 80, Protocol.TCP, Scope.EXTERNAL, 1),
                "fd 00 00 96 00 00 00 00 00 00 00 00 00 00 00 0a 00 50 06 00 01 00 00 00");
        exact(Codecs.BACKEND6, new BackendValue(ip("fd00:10:244::5"), 8080, Protocol.UDP, BackendState.TERMINATING),
                "fd 00 00 10 02 44 00 00 00 00 00 00 00 00 00 05 1f 90 11 01");
        exact(Codecs.REVNAT6, new RevNatValue(ip("fd00:96::a"), 443),
                "fd 00 00 96 00 00 00 00 00 00 00 00 00 00 00 0a 01 bb 00 00");
        exact(Codecs.CT6_KEY, new CtKey(ip("fd00::1"), ip("fd00::2"), 40000, 80, Protocol.TCP, CtDirection.REPLY),
                "fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02"
                        + " 9c 40 00 50 06 01 00 00");
        exact(Codecs.SOCK_REVNAT6_KEY, new SockRevNatKey(1L, ip("fd00::2"), 80),
                "01 00 00 00 00 00 00 00 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 50 00 00 00 00 00 00");
    }

    @Test
    void anAddressOfTheOtherFamilyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Codecs.SVC4_KEY.encode(
                new ServiceKey(ip("fd00::1"), 80, Protocol.TCP, Scope.EXTERNAL, 0)));
        assertThrows(IllegalArgumentException.class, () -> Codecs.BACKEND6.encode(
                new BackendValue(ip("10.0.0.1"), 80, Protocol.TCP, BackendState.ACTIVE)));
    }
}
