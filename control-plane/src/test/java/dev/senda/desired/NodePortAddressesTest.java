package dev.senda.desired;

import dev.senda.model.NodeInfo;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodePortAddressesTest {
    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    /** Primary 192.168.0.10 and fd00:192::10; also 192.168.0.11 (second InternalIP) and 203.0.113.10 (ExternalIP). */
    private static final NodeInfo NODE = new NodeInfo("node-a", "zone-1", List.of(ip("192.168.0.10"), ip("fd00:192::10")),
            List.of(ip("192.168.0.10"), ip("192.168.0.11"), ip("203.0.113.10"), ip("fd00:192::10")), false, true);

    @Test
    void keywordsAndCidrsParse() {
        assertEquals(NodePortAddresses.PRIMARY, NodePortAddresses.parse("primary"));
        assertEquals("all", NodePortAddresses.parse("all").toString());
        assertEquals("10.0.0.0/8,fd00::/64,primary", NodePortAddresses.parse(" 10.0.0.0/8 , fd00::/64,primary").toString());
        assertEquals("0.0.0.0/0", NodePortAddresses.parse("0.0.0.0/0").toString());
    }

    @Test
    void badValuesNameTheFlagAndTheValue() {
        for (String bad : List.of("10.0.0.0/33", "1.2.3.4", "Primary", "fd00::/129", "10.0.0.0/08", "10.0.0.0/8/8",
                "primary,", "ten/8")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodePortAddresses.parse(bad),
                    bad);
            String value = bad.endsWith(",") ? "\"\"" : "\"" + bad + "\"";
            assertTrue(e.getMessage().startsWith("--nodeport-addresses: " + value), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodePortAddresses.parse(" "))
                .getMessage().startsWith("--nodeport-addresses: empty"));
    }

    @Test
    void primaryIsOneAddressPerFamily() {
        assertEquals(List.of(ip("192.168.0.10"), ip("fd00:192::10")), NodePortAddresses.PRIMARY.select(NODE));
    }

    @Test
    void allIsEveryAddressOfTheNodeObject() {
        assertEquals(List.of(ip("192.168.0.10"), ip("192.168.0.11"), ip("203.0.113.10"), ip("fd00:192::10")),
                NodePortAddresses.parse("all").select(NODE));
    }

    @Test
    void cidrsSelectTheNodeAddressesInsideThemAndEntriesUnion() {
        assertEquals(List.of(ip("192.168.0.11")), NodePortAddresses.parse("192.168.0.11/32").select(NODE));
        assertEquals(List.of(ip("192.168.0.10"), ip("192.168.0.11")), NodePortAddresses.parse("192.168.0.0/24").select(NODE));
        assertEquals(List.of(ip("192.168.0.10"), ip("203.0.113.10"), ip("fd00:192::10")),
                NodePortAddresses.parse("203.0.113.0/25,primary,fd00::/8").select(NODE));
        assertEquals(List.of(), NodePortAddresses.parse("10.0.0.0/8").select(NODE));
        // Host bits after the prefix are ignored, as Go's ParseCIDR does.
        assertEquals(List.of(ip("192.168.0.10"), ip("192.168.0.11")), NodePortAddresses.parse("192.168.0.77/25").select(NODE));
    }

    @Test
    void aNodeNotSeenYetHasNoAddresses() {
        assertEquals(List.of(), NodePortAddresses.parse("all,primary,0.0.0.0/0").select(new NodeInfo("node-a")));
    }

    @Test
    void cidrContainment() {
        Cidr c = Cidr.parse("fd00:192::/33").orElseThrow();
        assertTrue(c.contains(ip("fd00:192::1")));
        assertTrue(c.contains(ip("fd00:192:7fff::1")));
        assertFalse(c.contains(ip("fd00:192:8000::1")));
        assertFalse(c.contains(ip("192.168.0.1")));
        assertTrue(Cidr.parse("::/0").orElseThrow().contains(ip("2001:db8::1")));
        assertFalse(Cidr.parse("::/0").orElseThrow().contains(ip("10.0.0.1")));
    }
}
