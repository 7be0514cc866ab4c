package dev.senda.maps.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java enum against {@code enum senda_metric} in the header shipped with the objects. */
class DatapathEventTest {
    private static final Pattern ENTRY = Pattern.compile("^\\s*SENDA_M_([A-Z0-9_]+)\\s*=\\s*(\\d+)\\s*,", Pattern.MULTILINE);

    @Test
    void mirrorsTheCEnumIndexForIndex() throws IOException {
        String header;
        try (InputStream in = getClass().getResourceAsStream("/dev/senda/bpf/src/lib/abi/metrics.h")) {
            assertNotNull(in, "metrics.h is not on the test classpath (build the bpf module)");
            header = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Integer> c = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(header);
        while (m.find()) c.put(m.group(1), Integer.parseInt(m.group(2)));
        assertFalse(c.isEmpty(), "no SENDA_M_* entries found in metrics.h");

        Map<String, Integer> java = new LinkedHashMap<>();
        for (DatapathEvent e : DatapathEvent.values()) java.put(e.name(), e.index());
        assertEquals(c, java, "enum senda_metric and DatapathEvent differ");
        assertTrue(header.contains("SENDA_M__COUNT"), "the C enum still ends with its count");
    }

    @Test
    void namesAreStableSnakeCaseAndUnique() {
        assertEquals("tc_reject_tcp", DatapathEvent.TC_REJECT_TCP.metricName());
        assertEquals(DatapathEvent.values().length,
                new HashSet<>(Arrays.stream(DatapathEvent.values()).map(DatapathEvent::metricName).toList()).size());
        for (DatapathEvent e : DatapathEvent.values()) {
            assertTrue(e.metricName().matches("[a-z][a-z0-9_]*"), e.metricName());
            assertFalse(e.help().isBlank(), e + " has help text");
            assertEquals(Optional.of(e), DatapathEvent.ofIndex(e.index()));
        }
        assertEquals(Optional.empty(), DatapathEvent.ofIndex(-1));
        assertEquals(Optional.empty(), DatapathEvent.ofIndex(DatapathEvent.values().length));
    }

    @Test
    void unsignedCountsConvertToDouble() {
        assertEquals(0.0, DatapathCounters.toDouble(0));
        assertEquals(42.0, DatapathCounters.toDouble(42));
        assertEquals(0x1p63, DatapathCounters.toDouble(Long.MIN_VALUE));
        assertEquals(0x1p64, DatapathCounters.toDouble(-1L));
    }
}
