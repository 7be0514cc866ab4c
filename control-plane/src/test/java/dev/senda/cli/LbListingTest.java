package dev.senda.cli;

import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.InMemoryLbMaps;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.net.IpAddress;
import dev.senda.reconcile.LbEncoding;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LbListingTest {
    private static Inet4Address ip(String s) {
        return LbEncoding.inet4(IpAddress.parse(s).orElseThrow());
    }

    private static InMemoryLbMaps mapsWithOneService() {
        InMemoryLbMaps maps = new InMemoryLbMaps();
        maps.putBackend(1, new BackendValue(ip("10.244.0.2"), 8080, Protocol.TCP, BackendState.ACTIVE));
        maps.putBackend(2, new BackendValue(ip("10.244.0.3"), 8080, Protocol.TCP, BackendState.TERMINATING));
        ServiceKey header = new ServiceKey(ip("10.96.0.10"), 80, Protocol.TCP, Scope.EXTERNAL, 0);
        maps.putService(header.withSlot(1), ServiceValue.slot(7, 1));
        maps.putService(header.withSlot(2), ServiceValue.slot(7, 2));
        maps.putRevNat(7, new RevNatValue(ip("10.96.0.10"), 80));
        maps.putService(header, ServiceValue.header(7, 2, 0));
        maps.putService(new ServiceKey(ip("10.96.0.11"), 53, Protocol.UDP, Scope.EXTERNAL, 0), ServiceValue.header(8, 0, 0));
        return maps;
    }

    @Test
    void tableShowsBackendsInSlotOrderAndEmptyServices() {
        String table = LbListing.of(mapsWithOneService()).toTable();
        assertTrue(table.contains("10.96.0.10:80/TCP"), table);
        assertTrue(table.contains("10.244.0.2:8080, 10.244.0.3:8080 (terminating)"), table);
        assertTrue(table.contains("10.96.0.11:53/UDP") && table.contains("(none: connections refused)"), table);
    }

    @Test
    void jsonIsStableAndComplete() {
        assertEquals("""
                [
                  {"address":"10.96.0.10","port":80,"protocol":"TCP","scope":"external","serviceId":7,"backends":[\
                {"slot":1,"id":1,"address":"10.244.0.2","port":8080,"protocol":"TCP","state":"active"},\
                {"slot":2,"id":2,"address":"10.244.0.3","port":8080,"protocol":"TCP","state":"terminating"}]},
                  {"address":"10.96.0.11","port":53,"protocol":"UDP","scope":"external","serviceId":8,"backends":[]}
                ]
                """, LbListing.of(mapsWithOneService()).toJson());
    }

    @Test
    void missingBackendIsShownNotHidden() {
        InMemoryLbMaps maps = mapsWithOneService();
        maps.deleteBackend(2);
        String table = LbListing.of(maps).toTable();
        assertTrue(table.contains("<missing backend 2 in slot 2>"), table);
        assertTrue(LbListing.of(maps).toJson().contains("\"missing\":true"));
    }
}
