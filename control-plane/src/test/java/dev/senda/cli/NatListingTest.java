package dev.senda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.nat.NatDirection;
import dev.senda.maps.nat.NatKey;
import dev.senda.maps.nat.NatValue;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NatListingTest {
    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    /** One TCP flow of each family from an outside client through node 192.168.1.10 to a backend elsewhere. */
    private static NatListing listing() {
        return NatListing.of(Map.of(
                new NatKey(ip("10.0.0.5"), ip("10.244.2.3"), 40000, 8080, Protocol.TCP, NatDirection.OUT),
                new NatValue(ip("192.168.1.10"), 61234, 0, 100),
                new NatKey(ip("10.244.2.3"), ip("192.168.1.10"), 8080, 61234, Protocol.TCP, NatDirection.IN),
                new NatValue(ip("10.0.0.5"), 40000, NatValue.FLAG_CLOSING, 101),
                new NatKey(ip("fd00::5"), ip("fd00:10:244:2::3"), 40001, 8080, Protocol.UDP, NatDirection.OUT),
                new NatValue(ip("fd00:192::10"), 62000, 0, 7)));
    }

    @Test
    void tableShowsEachHalfWithItsRewriteIpv4First() {
        String table = listing().toTable();
        String[] lines = table.split("\n");
        assertEquals(4, lines.length, table);
        assertTrue(lines[1].startsWith("out ") && lines[1].contains("10.0.0.5:40000 -> 10.244.2.3:8080/TCP")
                && lines[1].contains("source 192.168.1.10:61234") && lines[1].endsWith("open"), table);
        assertTrue(lines[2].startsWith("in ") && lines[2].contains("10.244.2.3:8080 -> 192.168.1.10:61234/TCP")
                && lines[2].contains("destination 10.0.0.5:40000") && lines[2].endsWith("closing"), table);
        assertTrue(lines[3].contains("[fd00::5]:40001 -> [fd00:10:244:2::3]:8080/UDP")
                && lines[3].contains("source [fd00:192::10]:62000"), table);
    }

    @Test
    void jsonHasOneObjectPerEntry() throws Exception {
        JsonNode json = new ObjectMapper().readTree(listing().toJson());
        assertEquals(3, json.size());
        assertEquals("in", json.get(1).get("direction").asText());
        assertTrue(json.get(1).get("closing").asBoolean());
        assertEquals("IPv6", json.get(2).get("family").asText());
        assertEquals(7, json.get(2).get("lastSeen").asLong());
    }
}
