package dev.senda.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.bench.api.BenchMode;
import dev.senda.bench.api.BenchSuite;
import dev.senda.bench.api.Row;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's two forms and the runner's argument handling, without running a suite. */
class BenchReportTest {
    private static final Machine MACHINE = new Machine("Test CPU", 2, 24L << 30, "6.18.0", "OpenJDK 25");
    private static final List<Row> ROWS = List.of(
            new Row("maps", "cold sync, single writes, 1,000 endpoints", "total", 1234.5678, "ms"),
            new Row("datapath", "no-op tc program", "per packet, repeated", 7.25, "ns"));

    @Test
    void tableHasAHeaderAndOneAlignedLinePerRow() {
        BenchReport report = new BenchReport(Instant.parse("2026-12-06T08:00:00Z"), BenchMode.FULL, MACHINE, ROWS, Map.of());
        List<String> lines = report.table().lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("SUITE "), lines.get(0));
        assertTrue(lines.get(1).matches("maps +cold sync, single writes, 1,000 endpoints +total +1,235  ms"), lines.get(1));
        assertTrue(lines.get(2).matches("datapath +no-op tc program +per packet, repeated +7\\.25  ns"), lines.get(2));
        assertEquals(lines.get(1).indexOf(" ms"), lines.get(2).indexOf(" ns"), "the value column is right-aligned");
    }

    @Test
    void jsonCarriesEveryRowTheMachineAndTheFailures() throws Exception {
        BenchReport report = new BenchReport(Instant.parse("2026-12-06T08:00:00Z"), BenchMode.SHORT, MACHINE, ROWS,
                Map.of("kube-proxy", "IllegalStateException: no iptables"));
        JsonNode doc = new ObjectMapper().readTree(report.json());
        assertEquals("2026-12-06T08:00:00Z", doc.get("date").asText());
        assertEquals("SHORT", doc.get("mode").asText());
        assertEquals(2, doc.get("machine").get("cpus").asInt());
        assertEquals("6.18.0", doc.get("machine").get("kernel").asText());
        assertEquals(2, doc.get("rows").size());
        JsonNode first = doc.get("rows").get(0);
        assertEquals("maps", first.get("suite").asText());
        assertEquals("cold sync, single writes, 1,000 endpoints", first.get("case").asText());
        assertEquals("total", first.get("metric").asText());
        assertEquals(1234.5678, first.get("value").asDouble());
        assertEquals("ms", first.get("unit").asText());
        assertEquals("kube-proxy", doc.get("failures").get(0).get("suite").asText());
    }

    @Test
    void aRowMustHaveAFiniteValue() {
        assertThrows(IllegalArgumentException.class, () -> new Row("s", "c", "m", Double.NaN, "ms"));
        assertThrows(IllegalArgumentException.class, () -> new Row("s", "c", "m", Double.POSITIVE_INFINITY, "ms"));
    }

    @Test
    void aSuiteFromAPlainEntryPointKeepsItsName() throws Exception {
        BenchSuite suite = BenchSuite.of("start", mode -> List.of(new Row("start", "agent start", "time", 1, "s")));
        assertEquals("start", suite.name());
        assertEquals(1, suite.run(BenchMode.SHORT).size());
    }

    @Test
    void anUnknownSuiteIsNamedWithTheKnownOnesAndExits2() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new CommandLine(new BenchMain(new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute("--short", "--suite", "nope");
        assertEquals(2, status);
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("no suite nope (suites: control-plane, maps, datapath"), said);
    }

    @Test
    void everySuiteHasAUniqueName() {
        List<String> names = BenchMain.suites().stream().map(BenchSuite::name).toList();
        assertEquals(names.size(), names.stream().distinct().count(), names.toString());
    }
}
