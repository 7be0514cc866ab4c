package dev.senda.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "10.96.0.10, 10.96.0.10",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "fd00:96::a, fd00:96::a",
            "FD00:0096:0000:0000:0000:0000:0000:000A, fd00:96::a",
            "::, ::",
            "::1, ::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "fe80::1:2, fe80::1:2",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    })
    void parsesAndPrintsCanonically(String text, String canonical) {
        IpAddress a = IpAddress.parse(text).orElseThrow();
        assertEquals(canonical, a.toString());
        assertEquals(a, IpAddress.parse(canonical).orElseThrow());
        assertEquals(a, IpAddress.of(a.bytes()));
        assertEquals(a, IpAddress.of(a.toInetAddress()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 10.0.0.1", "10.0.0.01", "10.0.0", "10.0.0.256", "1.2.3.4.5", "example.com",
            "[fd00::1]", "fe80::1%eth0", "::ffff:10.0.0.1", "fd00::1::2", "fd00:::1", "12345::", "a.b.c.d"})
    void refusesWhatIsNoStrictLiteral(String text) {
        assertTrue(IpAddress.parse(text).isEmpty(), text);
    }

    @Test
    void familiesAndValues() {
        IpAddress v4 = IpAddress.parse("192.168.1.2").orElseThrow();
        assertEquals(IpFamily.IPV4, v4.family());
        assertEquals(0xc0a80102, v4.ipv4Value());
        assertArrayEquals(new byte[] {(byte) 192, (byte) 168, 1, 2}, v4.bytes());
        IpAddress v6 = IpAddress.parse("fd00::1").orElseThrow();
        assertEquals(IpFamily.IPV6, v6.family());
        assertEquals(16, v6.bytes().length);
        assertThrows(IllegalStateException.class, v6::ipv4Value);
        assertEquals("[fd00::1]:80", v6.withPort(80));
        assertEquals("192.168.1.2:80", v4.withPort(80));
    }

    @Test
    void ordersIpv4FirstThenUnsigned() {
        List<IpAddress> in = new ArrayList<>();
        for (String s : new String[] {"ff00::1", "200.0.0.1", "fd00::1", "10.0.0.1", "::1"}) {
            in.add(IpAddress.parse(s).orElseThrow());
        }
        in.sort(null);
        assertEquals("[10.0.0.1, 200.0.0.1, ::1, fd00::1, ff00::1]", in.toString());
    }
}
