package dev.senda.reconcile;

import dev.senda.maps.nat.NatTables;
import dev.senda.maps.nat.NodeAddrKey;
import dev.senda.maps.table.FamilySplitMap;
import dev.senda.maps.table.TypedMap;
import dev.senda.model.NodeInfo;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

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

    @Test
    void aWriterOverAMapAlreadyHoldingTheAddressesWritesNothing() {
        FamilySplitMap<NodeAddrKey, IpAddress> table = NatTables.NODE_ADDRESSES.inMemory();
        new NodeAddressWriter(table).write(node("192.168.1.10"));
        AtomicInteger writes = new AtomicInteger();
        TypedMap<NodeAddrKey, IpAddress> counting = new TypedMap<>() {
            @Override
            public String name() {
                return table.name();
            }

            @Override
            public void put(NodeAddrKey key, IpAddress value) {
                writes.incrementAndGet();
                table.put(key, value);
            }

            @Override
            public void delete(NodeAddrKey key) {
                writes.incrementAndGet();
                table.delete(key);
            }

            @Override
            public Map<NodeAddrKey, IpAddress> entries() {
                return table.entries();
            }
        };

        // a restarted agent: same node, same addresses, nothing to write
        NodeAddressWriter restarted = new NodeAddressWriter(counting);
        restarted.write(node("192.168.1.10"));
        assertEquals(0, writes.get(), "writes of a restarted agent whose node kept its addresses");

        // a change is still written, and only the family that changed
        restarted.write(node("192.168.1.11"));
        assertEquals(1, writes.get());
        assertEquals(ip("192.168.1.11"), table.entries().get(new NodeAddrKey(IpFamily.IPV4)));
    }
}
