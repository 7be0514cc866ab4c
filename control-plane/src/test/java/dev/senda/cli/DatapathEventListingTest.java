package dev.senda.cli;

import dev.senda.maps.metrics.DatapathEvent;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatapathEventListingTest {
    private final DatapathEventListing listing = new DatapathEventListing(
            Map.of(DatapathEvent.TC_REJECT_TCP, 5L, DatapathEvent.CT_FULL, -1L));

    @Test
    void tableHasOneRowPerEventInIndexOrder() {
        String[] lines = listing.toTable().split("\n");
        assertEquals(1 + DatapathEvent.values().length, lines.length);
        assertTrue(lines[0].matches("EVENT\\s+COUNT\\s+DESCRIPTION"), lines[0]);
        assertTrue(lines[1].startsWith("sock_translated "), lines[1]);
        assertTrue(lines[1 + DatapathEvent.TC_REJECT_TCP.index()].matches("tc_reject_tcp\\s+5  TCP to a Service .*"),
                lines[1 + DatapathEvent.TC_REJECT_TCP.index()]);
        assertTrue(lines[1 + DatapathEvent.CT_FULL.index()].contains(" 18446744073709551615  "), "counts are unsigned");
    }

    @Test
    void jsonMapsEveryEventNameToItsCount() {
        String json = listing.toJson();
        assertTrue(json.startsWith("{\n  \"sock_translated\": 0,\n"), json);
        assertTrue(json.contains("\n  \"tc_reject_tcp\": 5,\n"), json);
        assertTrue(json.contains("\n  \"ct_full\": 18446744073709551615,\n"), json);
        assertTrue(json.endsWith("\n}\n"), json);
        assertEquals(DatapathEvent.values().length, json.split("\n").length - 2);
    }

    @Test
    void badFlagsAreRefusedBeforeTouchingTheKernel() {
        assertNotEquals(0, Main.execute("bpf", "metrics", "-o", "yaml", "--bpffs-root", "/nonexistent"));
        assertEquals(2, Main.execute("bpf", "metrics", "--no-such-flag"));
    }
}
