package dev.senda.reconcile;

import dev.senda.maps.nat.NatTables;
import dev.senda.maps.nat.NodeAddrKey;
import dev.senda.maps.table.FamilySplitMap;
import dev.senda.model.NodeInfo;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NodeAddressWriterTest {
    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    private static NodeInfo node(String... primary) {
        List<IpAddress> addresses = java.util.Arrays.stream(primary).map(NodeAddressWriterTest::ip).toList();
        return new NodeInfo("node-1", null, addresses, addresses, false, true);
    }

    @Test
    void eachFamilyGetsThePrimaryAddressOrNone() {
        FamilySplitMap<NodeAddrKey, IpAddress> table = NatTables.NODE_ADDRESSES.inMemory();
        NodeAddressWriter writer = new NodeAddressWriter(table);

        writer.write(node("192.168.1.10", "fd00:192::10"));
        assertEquals(Map.of(new NodeAddrKey(IpFamily.IPV4), ip("192.168.1.10"),
                new NodeAddrKey(IpFamily.IPV6), ip("fd00:192::10")), table.entries());

        // an IPv4-only node: the IPv6 address is cleared, so the datapath stops source-NATing to it
        writer.write(node("192.168.1.11"));
        assertEquals(Map.of(new NodeAddrKey(IpFamily.IPV4), ip("192.168.1.11"),
                new NodeAddrKey(IpFamily.IPV6), ip("::")), table.entries());

        // not seen yet: no address at all
        writer.write(new NodeInfo("node-1"));
        assertEquals(Map.of(new NodeAddrKey(IpFamily.IPV4), ip("0.0.0.0"),
                new NodeAddrKey(IpFamily.IPV6), ip("::")), table.entries());
    }
}
