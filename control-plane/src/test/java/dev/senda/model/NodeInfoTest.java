package dev.senda.model;

import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeInfoTest {
    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    private static Node.Address a(String type, String address) {
        return new Node.Address(type, address);
    }

    @Test
    void withoutTheNodeObjectOnlyTheNameIsKnown() {
        NodeInfo n = NodeInfo.of("node-a", null);
        assertEquals(new NodeInfo("node-a"), n);
        assertFalse(n.seen());
        assertTrue(n.primaryAddresses().isEmpty());
        assertTrue(n.allAddresses().isEmpty());
    }

    @Test
    void primaryIsTheFirstInternalIpPerFamilyAndAllIsEveryIp() {
        Node node = new Node(new ObjectRef("", "node-a"), Map.of(Node.ZONE_LABEL, "zone-1"), List.of(
                a("Hostname", "node-a"),
                a("ExternalIP", "203.0.113.10"),
                a("InternalIP", "not-an-ip"),
                a("InternalIP", "192.168.0.10"),
                a("InternalIP", "192.168.0.11"),
                a("InternalDNS", "node-a.internal"),
                a("InternalIP", "fd00:192::10"),
                a("InternalIP", "192.168.0.10"),
                a(null, "10.9.9.9")), true, List.of(), null);
        NodeInfo n = NodeInfo.of("node-a", node);
        assertTrue(n.seen());
        assertTrue(n.deleting());
        assertEquals("zone-1", n.zone());
        assertEquals(List.of(ip("192.168.0.10"), ip("fd00:192::10")), n.primaryAddresses());
        assertEquals(List.of(ip("203.0.113.10"), ip("192.168.0.10"), ip("192.168.0.11"), ip("fd00:192::10")),
                n.allAddresses());
    }

    @Test
    void anExternalIpIsPrimaryForAFamilyWithoutInternalIp() {
        Node node = new Node(new ObjectRef("", "node-a"), Map.of(), List.of(a("InternalIP", "192.168.0.10"),
                a("ExternalIP", "2001:db8::10"), a("ExternalIP", "203.0.113.10")), false, List.of(), null);
        NodeInfo n = NodeInfo.of("node-a", node);
        assertEquals(List.of(ip("192.168.0.10"), ip("2001:db8::10")), n.primaryAddresses());
        assertNull(n.zone());
        assertFalse(n.deleting());
    }
}
