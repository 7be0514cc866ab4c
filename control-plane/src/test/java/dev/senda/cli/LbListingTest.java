package dev.senda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SourceRangeKey;
import dev.senda.maps.lb.TestLbMaps;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LbListingTest {
    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    private static TestLbMaps mapsWithServices() {
        TestLbMaps maps = new TestLbMaps();
        maps.putBackend(1, new BackendValue(ip("10.244.0.2"), 8080, Protocol.TCP, BackendState.ACTIVE));
        maps.putBackend(2, new BackendValue(ip("10.244.0.3"), 8080, Protocol.TCP, BackendState.TERMINATING));
        ServiceKey header = new ServiceKey(ip("10.96.0.10"), 80, Protocol.TCP, Scope.EXTERNAL, 0);
        maps.putService(header.withSlot(1), ServiceValue.slot(7, 1));
        maps.putService(header.withSlot(2), ServiceValue.slot(7, 2));
        maps.putRevNat(7, new RevNatValue(ip("10.96.0.10"), 80));
        maps.putService(header, ServiceValue.header(7, 2, 0));
        maps.putService(new ServiceKey(ip("10.96.0.11"), 53, Protocol.UDP, Scope.EXTERNAL, 0),
                ServiceValue.header(8, 0, 0, 10800));
        // the IPv6 sibling of the first Service
        maps.putBackend(3, new BackendValue(ip("fd00:10:244::2"), 8080, Protocol.TCP, BackendState.ACTIVE));
        ServiceKey header6 = new ServiceKey(ip("fd00:96::a"), 80, Protocol.TCP, Scope.EXTERNAL, 0);
        maps.putService(header6.withSlot(1), ServiceValue.slot(9, 3));
        maps.putRevNat(9, new RevNatValue(ip("fd00:96::a"), 80));
        maps.putService(header6, ServiceValue.header(9, 1, 0));
        // a node port of the first Service's endpoints
        ServiceKey nodePort = new ServiceKey(ip("192.168.1.10"), 30080, Protocol.TCP, Scope.EXTERNAL, 0);
        maps.putService(nodePort.withSlot(1), ServiceValue.slot(10, 1));
        maps.putRevNat(10, new RevNatValue(ip("192.168.1.10"), 30080));
        maps.putService(nodePort, ServiceValue.header(10, 1, ServiceValue.FLAG_NODE_PORT));
        return maps;
    }

    @Test
    void aNodeLocalFrontendWithoutLocalEndpointSaysItsTrafficIsDropped() throws Exception {
        TestLbMaps maps = new TestLbMaps();
        maps.putService(new ServiceKey(ip("192.168.1.10"), 30080, Protocol.TCP, Scope.EXTERNAL, 0),
                ServiceValue.header(3, 0, ServiceValue.FLAG_NODE_PORT | ServiceValue.FLAG_DROP_EMPTY));
        maps.putService(new ServiceKey(ip("10.96.0.12"), 80, Protocol.TCP, Scope.EXTERNAL, 0),
                ServiceValue.header(4, 0, 0));
        LbListing listing = LbListing.of(maps.maps());
        String table = listing.toTable();
        assertTrue(table.lines().anyMatch(l -> l.startsWith("192.168.1.10:30080/TCP")
                && l.endsWith("(none on this node: traffic dropped)")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("10.96.0.12:80/TCP")
                && l.endsWith("(none: connections refused)")), table);
        JsonNode json = new ObjectMapper().readTree(listing.toJson());
        assertEquals("10.96.0.12:80/TCP", json.get(0).get("frontend").asText());
        assertTrue(json.get(0).get("dropsWhenEmpty") == null, json.toString());
        assertTrue(json.get(1).get("dropsWhenEmpty").asBoolean(), json.toString());
    }

    @Test
    void tableShowsBothFamiliesBackendsInSlotOrderAndEmptyServices() {
        String table = LbListing.of(mapsWithServices().maps()).toTable();
        assertTrue(table.contains("10.96.0.10:80/TCP"), table);
        assertTrue(table.contains("10.244.0.2:8080, 10.244.0.3:8080 (terminating)"), table);
        assertTrue(table.contains("10.96.0.11:53/UDP") && table.contains("(none: connections refused)"), table);
        assertTrue(table.contains("[fd00:96::a]:80/TCP"), table);
        assertTrue(table.contains("[fd00:10:244::2]:8080"), table);
        assertTrue(table.indexOf("10.96.0.11") < table.indexOf("fd00:96::a"), "IPv4 first: " + table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("10.96.0.11:53/UDP") && l.contains(" 10800s ")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("10.96.0.10:80/TCP") && l.contains(" none ")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("10.96.0.10:80/TCP") && l.contains(" ClusterIP ")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("192.168.1.10:30080/TCP") && l.contains(" NodePort ")), table);
    }

    @Test
    void jsonIsStableAndComplete() throws Exception {
        JsonNode rows = new ObjectMapper().readTree(LbListing.of(mapsWithServices().maps()).toJson());
        assertEquals(4, rows.size());
        assertEquals(new ObjectMapper().readTree("""
                {"frontend":"10.96.0.10:80/TCP","type":"ClusterIP","family":"IPv4","address":"10.96.0.10","port":80,"protocol":"TCP",
                 "scope":"external","serviceId":7,"affinityTimeoutSeconds":0,"backends":[
                 {"slot":1,"id":1,"address":"10.244.0.2","port":8080,"protocol":"TCP","state":"active"},
                 {"slot":2,"id":2,"address":"10.244.0.3","port":8080,"protocol":"TCP","state":"terminating"}]}
                """), rows.get(0));
        assertEquals("NodePort", rows.get(2).get("type").asText());
        assertEquals("[fd00:96::a]:80/TCP", rows.get(3).get("frontend").asText());
        assertEquals("IPv6", rows.get(3).get("family").asText());
        assertEquals("fd00:10:244::2", rows.get(3).get("backends").get(0).get("address").asText());
        assertEquals(0, rows.get(1).get("backends").size());
        assertEquals(10800, rows.get(1).get("affinityTimeoutSeconds").asInt());
    }

    @Test
    void sourceRangesAreShownForRestrictedFrontendsOnly() throws Exception {
        TestLbMaps maps = mapsWithServices();
        ServiceKey lb = new ServiceKey(ip("198.18.1.10"), 80, Protocol.TCP, Scope.EXTERNAL, 0);
        maps.putSourceRange(SourceRangeKey.of(11, ip("10.244.1.0"), 24));
        maps.putSourceRange(SourceRangeKey.of(11, ip("192.168.1.2"), 32));
        maps.putSourceRange(SourceRangeKey.of(12, ip("fd00:10:244:1::"), 64)); // another frontend's
        maps.putRevNat(11, new RevNatValue(ip("198.18.1.10"), 80));
        maps.putService(lb, ServiceValue.header(11, 0, ServiceValue.FLAG_LOAD_BALANCER | ServiceValue.FLAG_SOURCE_RANGES));
        ServiceKey empty = new ServiceKey(ip("198.18.1.11"), 80, Protocol.TCP, Scope.EXTERNAL, 0);
        maps.putService(empty, ServiceValue.header(13, 0, ServiceValue.FLAG_LOAD_BALANCER | ServiceValue.FLAG_SOURCE_RANGES));

        String table = LbListing.of(maps.maps()).toTable();
        assertTrue(table.lines().anyMatch(l -> l.startsWith("198.18.1.10:80/TCP")
                && l.contains(" 10.244.1.0/24,192.168.1.2/32 ")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("198.18.1.11:80/TCP") && l.contains(" (none) ")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("10.96.0.10:80/TCP") && l.contains(" any ")), table);

        JsonNode rows = new ObjectMapper().readTree(LbListing.of(maps.maps()).toJson());
        JsonNode restricted = rows.get(3);
        assertEquals("198.18.1.10:80/TCP", restricted.get("frontend").asText());
        assertEquals(new ObjectMapper().readTree("[\"10.244.1.0/24\", \"192.168.1.2/32\"]"), restricted.get("sourceRanges"));
        assertEquals("198.18.1.11:80/TCP", rows.get(4).get("frontend").asText());
        assertEquals(0, rows.get(4).get("sourceRanges").size());
        assertTrue(rows.get(0).get("sourceRanges") == null, "unrestricted: no field");
    }

    @Test
    void missingBackendIsShownNotHidden() {
        TestLbMaps maps = mapsWithServices();
        maps.deleteBackend(2);
        String table = LbListing.of(maps.maps()).toTable();
        assertTrue(table.contains("<missing backend 2 in slot 2>"), table);
        assertTrue(LbListing.of(maps.maps()).toJson().contains("\"missing\": true"));
    }
}
