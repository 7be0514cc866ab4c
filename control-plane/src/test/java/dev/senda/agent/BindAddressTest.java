package dev.senda.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BindAddressTest {
    @Test
    void parsesIpv4Ipv6AndEmptyHost() {
        assertEquals("0.0.0.0:10256", BindAddress.parse("--healthz-bind", "0.0.0.0:10256").toString());
        assertEquals("127.0.0.1:10249", BindAddress.parse("--metrics-bind", "127.0.0.1:10249").toString());
        assertEquals(0, BindAddress.parse("--metrics-bind", "127.0.0.1:0").port());
        assertEquals("0.0.0.0:10256", BindAddress.parse("--healthz-bind", ":10256").toString());
        BindAddress v6 = BindAddress.parse("--healthz-bind", "[::1]:10256");
        assertEquals(10256, v6.port());
        assertTrue(v6.address().isLoopbackAddress());
        assertTrue(v6.toString().startsWith("[") && v6.toString().endsWith("]:10256"), v6.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10256", "localhost:10256", "1.2.3:80", "01.2.3.4:80", "1.2.3.4:", "1.2.3.4:65536",
            "1.2.3.4:-1", "1.2.3.4:80x", "::1:80", "[::1]80", "[nope]:80", "1.2.3.4:999999"})
    void rejectsBadInputNamingTheFlag(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BindAddress.parse("--healthz-bind", text));
        assertTrue(e.getMessage().startsWith("--healthz-bind: invalid value '" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("ADDR:PORT"), e.getMessage());
    }
}
