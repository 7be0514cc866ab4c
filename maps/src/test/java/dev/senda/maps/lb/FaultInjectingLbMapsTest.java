package dev.senda.maps.lb;

import java.net.Inet4Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectingLbMapsTest {

    @Test
    void failsExactlyTheNthWriteAndLeavesTheEntryUnchanged() throws Exception {
        InMemoryLbMaps memory = new InMemoryLbMaps();
        FaultInjectingLbMaps maps = new FaultInjectingLbMaps(memory, 2);
        BackendValue b = new BackendValue((Inet4Address) InetAddress.getByName("10.0.0.1"), 80, Protocol.TCP,
                BackendState.ACTIVE);
        ServiceKey key = new ServiceKey((Inet4Address) InetAddress.getByName("10.96.0.1"), 80, Protocol.TCP,
                Scope.EXTERNAL, 0);

        maps.putBackend(1, b);
        MapWriteException e = assertThrows(MapWriteException.class,
                () -> maps.putService(key, ServiceValue.header(1, 1, 0)));
        assertTrue(e.getMessage().contains("write #2"), e.getMessage());
        assertTrue(e.getMessage().contains("10.96.0.1:80/TCP"), e.getMessage());
        assertFalse(memory.services().containsKey(key));

        maps.putService(key, ServiceValue.header(1, 1, 0)); // the retry passes
        assertEquals(ServiceValue.header(1, 1, 0), maps.services().get(key));
        assertEquals(3, maps.writes());
        assertEquals(1, maps.failures());
    }

    @Test
    void rearmCountsFromNowAndDeletesCountAsWrites() {
        FaultInjectingLbMaps maps = new FaultInjectingLbMaps(new InMemoryLbMaps());
        maps.deleteBackend(1);
        maps.failNthWriteFromNow(1);
        assertThrows(MapWriteException.class, () -> maps.deleteRevNat(5));
        maps.deleteRevNat(5);
        maps.failNthWriteFromNow(2);
        maps.disarm();
        maps.deleteBackend(2);
        maps.deleteBackend(3);
        assertEquals(1, maps.failures());
        assertThrows(IllegalArgumentException.class, () -> maps.failNthWriteFromNow(0));
    }
}
