package dev.senda.maps.table;

import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FaultInjectingTypedMapTest {
    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    @Test
    void failsExactlyTheNthWriteAcrossTablesAndLeavesTheEntryUnchanged() {
        LbMaps memory = LbMaps.inMemory();
        FaultInjector faults = new FaultInjector();
        LbMaps maps = memory.withFaults(faults);
        faults.failNthWriteFromNow(2);
        BackendValue b = new BackendValue(ip("10.0.0.1"), 80, Protocol.TCP, BackendState.ACTIVE);
        ServiceKey key = new ServiceKey(ip("fd00:96::1"), 80, Protocol.TCP, Scope.EXTERNAL, 0);

        maps.backends().put(new BackendKey(IpFamily.IPV4, 1), b);
        MapWriteException e = assertThrows(MapWriteException.class,
                () -> maps.services().put(key, ServiceValue.header(1, 1, 0)));
        assertTrue(e.getMessage().contains("write #2"), e.getMessage());
        assertTrue(e.getMessage().contains("[fd00:96::1]:80/TCP"), e.getMessage());
        assertFalse(memory.services().entries().containsKey(key));

        maps.services().put(key, ServiceValue.header(1, 1, 0)); // the retry passes
        assertEquals(ServiceValue.header(1, 1, 0), maps.services().entries().get(key));
        assertEquals(3, faults.writes());
        assertEquals(1, faults.failures());
    }

    @Test
    void rearmCountsFromNowAndDeletesCountAsWrites() {
        FaultInjector faults = new FaultInjector();
        LbMaps maps = LbMaps.inMemory().withFaults(faults);
        maps.backends().delete(new BackendKey(IpFamily.IPV4, 1));
        faults.failNthWriteFromNow(1);
        assertThrows(MapWriteException.class, () -> maps.revNats().delete(new RevNatKey(IpFamily.IPV6, 5)));
        maps.revNats().delete(new RevNatKey(IpFamily.IPV6, 5));
        faults.failNthWriteFromNow(2);
        faults.disarm();
        maps.backends().delete(new BackendKey(IpFamily.IPV4, 2));
        maps.backends().delete(new BackendKey(IpFamily.IPV4, 3));
        assertEquals(1, faults.failures());
        assertThrows(IllegalArgumentException.class, () -> faults.failNthWriteFromNow(0));
    }

    @Test
    void theKeysFamilyPicksTheMap() {
        LbMaps maps = LbMaps.inMemory();
        maps.backends().put(new BackendKey(IpFamily.IPV6, 7),
                new BackendValue(ip("fd00::7"), 80, Protocol.UDP, BackendState.ACTIVE));
        var split = (FamilySplitMap<BackendKey, BackendValue>) maps.backends();
        assertTrue(split.family(IpFamily.IPV4).entries().isEmpty());
        assertEquals(1, split.family(IpFamily.IPV6).entries().size());
        assertEquals("senda_backend6_v1", split.family(IpFamily.IPV6).name());
    }
}
