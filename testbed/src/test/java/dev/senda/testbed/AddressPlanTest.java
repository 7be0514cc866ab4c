package dev.senda.testbed;

import dev.senda.net.IpFamily;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The testbed's addresses: IPv6 repeats the IPv4 digits, texts are canonical. */
class AddressPlanTest {

    @Test
    void theDemoRangeMatchesTheExampleYaml() {
        AddressPlan plan = new AddressPlan(0);
        assertEquals("10.244.0.10", plan.pod(IpFamily.IPV4, 0));
        assertEquals("fd00:10:244::10", plan.pod(IpFamily.IPV6, 0));
        assertEquals("fd00:10:244::13", plan.pod(IpFamily.IPV6, 3));
        assertEquals("10.244.0.0/24", plan.podCidr(IpFamily.IPV4));
        assertEquals("fd00:10:244::/64", plan.podCidr(IpFamily.IPV6));
        assertEquals("fd00:10:244::1", plan.node(IpFamily.IPV6));
    }

    @Test
    void aRandomRangeKeepsItsDigitsInBothFamilies() {
        AddressPlan plan = new AddressPlan(217);
        assertEquals("10.244.217.12", plan.pod(IpFamily.IPV4, 2));
        assertEquals("fd00:10:244:217::12", plan.pod(IpFamily.IPV6, 2));
        assertEquals("fd00:10:244:217::209", plan.pod(IpFamily.IPV6, AddressPlan.MAX_PODS - 1));
        assertEquals("10.244.217.1", plan.node(IpFamily.IPV4));
        assertEquals("fd00:10:244:217::/64", plan.podCidr(IpFamily.IPV6));
        assertEquals("fe80::1", AddressPlan.gateway(IpFamily.IPV6));
        assertEquals("169.254.1.1", AddressPlan.gateway(IpFamily.IPV4));
    }

    @Test
    void outOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AddressPlan(256));
        assertThrows(IllegalArgumentException.class, () -> new AddressPlan(0).pod(IpFamily.IPV6, AddressPlan.MAX_PODS));
    }
}
