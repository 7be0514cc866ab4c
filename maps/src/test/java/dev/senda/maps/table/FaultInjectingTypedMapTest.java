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

    private static BackendValue backend(String address) {
        return new BackendValue(ip(address), 80, Protocol.TCP, BackendState.ACTIVE);
    }

    @Test
    void anInjectedFailureStopsABatchPartWayAcrossFamiliesAndOnlyThePrefixLands() {
        LbMaps memory = LbMaps.inMemory();
        FaultInjector faults = new FaultInjector();
        LbMaps maps = memory.withFaults(faults);
        // Runs of both families: v4 1, v4 2, v6 3, v6 4, v4 5; the 4th element fails.
        var keys = java.util.List.of(new BackendKey(IpFamily.IPV4, 1), new BackendKey(IpFamily.IPV4, 2),
                new BackendKey(IpFamily.IPV6, 3), new BackendKey(IpFamily.IPV6, 4), new BackendKey(IpFamily.IPV4, 5));
        var values = java.util.List.of(backend("10.0.0.1"), backend("10.0.0.2"), backend("fd00::3"),
                backend("fd00::4"), backend("10.0.0.5"));
        faults.failNthWriteFromNow(4);
        BatchWriteException e = assertThrows(BatchWriteException.class, () -> maps.backends().putAll(keys, values));
        assertEquals(3, e.landed());
        assertTrue(e.failure().getMessage().contains("write #4"), e.failure().getMessage());
        assertEquals(java.util.Map.of(keys.get(0), values.get(0), keys.get(1), values.get(1), keys.get(2), values.get(2)),
                memory.backends().entries());
        assertEquals(4, faults.writes(), "the element after the failed one was not attempted");

        faults.failNthWriteFromNow(2);
        BatchWriteException d = assertThrows(BatchWriteException.class,
                () -> maps.backends().deleteAll(java.util.List.of(keys.get(2), keys.get(0), keys.get(1))));
        assertEquals(1, d.landed());
        assertEquals(java.util.Set.of(keys.get(0), keys.get(1)), memory.backends().entries().keySet());
    }

    @Test
    void aCapacityFillsUpPartWayThroughABatchAndUpdatesOfHeldKeysStillLand() {
        LbMaps memory = LbMaps.inMemory();
        var map = FaultInjectingTypedMap.withCapacity(memory.backends(), 3);
        var k = java.util.List.of(new BackendKey(IpFamily.IPV4, 1), new BackendKey(IpFamily.IPV4, 2),
                new BackendKey(IpFamily.IPV4, 1), new BackendKey(IpFamily.IPV4, 3), new BackendKey(IpFamily.IPV4, 4));
        var v = java.util.List.of(backend("10.0.0.1"), backend("10.0.0.2"), backend("10.0.0.9"), backend("10.0.0.3"),
                backend("10.0.0.4"));
        BatchWriteException e = assertThrows(BatchWriteException.class, () -> map.putAll(k, v));
        assertEquals(4, e.landed(), "the update of key 1 takes no room");
        assertEquals(3, assertInstanceOf(MapFullException.class, e.failure()).capacity());
        assertEquals(backend("10.0.0.9"), memory.backends().entries().get(k.get(0)));
        assertEquals(3, memory.backends().entries().size());
        map.deleteAll(java.util.List.of(k.get(1)));
        map.putAll(k.subList(4, 5), v.subList(4, 5)); // room again
        assertEquals(3, memory.backends().entries().size());
    }
}
