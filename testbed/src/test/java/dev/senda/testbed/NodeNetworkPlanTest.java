package dev.senda.testbed;

import dev.senda.net.IpFamily;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A cluster's node network and LoadBalancer range: IPv6 repeats the IPv4 digits, texts are canonical. */
class NodeNetworkPlanTest {

    @Test
    void nodesClientAndRangesKeepTheirDigitsInBothFamilies() {
        NodeNetworkPlan plan = new NodeNetworkPlan(42);
        assertEquals("192.168.42.1", plan.node(1, IpFamily.IPV4));
        assertEquals("fd00:192:168:42::2", plan.node(2, IpFamily.IPV6));
        assertEquals("192.168.42.100", plan.client(IpFamily.IPV4));
        assertEquals("fd00:192:168:42::100", plan.client(IpFamily.IPV6));
        assertEquals("192.168.42.0/24", plan.cidr(IpFamily.IPV4));
        assertEquals("fd00:192:168:42::/64", plan.cidr(IpFamily.IPV6));
        assertEquals("198.18.42.0/24", plan.loadBalancerCidr(IpFamily.IPV4));
        assertEquals("fd00:198:18:42::/64", plan.loadBalancerCidr(IpFamily.IPV6));
        assertEquals("fd00:198:18:42::7", plan.loadBalancer(IpFamily.IPV6, 7));
    }

    @Test
    void subnetZeroIsCanonicalAndOutOfRangeIsRejected() {
        NodeNetworkPlan plan = new NodeNetworkPlan(0);
        assertEquals("fd00:192:168::1", plan.node(1, IpFamily.IPV6));
        assertEquals("fd00:198:18::/64", plan.loadBalancerCidr(IpFamily.IPV6));
        assertThrows(IllegalArgumentException.class, () -> new NodeNetworkPlan(256));
        assertThrows(IllegalArgumentException.class, () -> plan.node(0, IpFamily.IPV4));
        assertThrows(IllegalArgumentException.class, () -> plan.node(NodeNetworkPlan.MAX_NODES + 1, IpFamily.IPV4));
        assertThrows(IllegalArgumentException.class, () -> plan.loadBalancer(IpFamily.IPV4, 255));
    }
}
