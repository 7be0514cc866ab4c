package dev.senda.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.bench.api.BenchSuite;
import dev.senda.maps.features.Capabilities;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./senda bench --short --json FILE} as a user runs it, every suite included, so no suite can
 * rot: it must exit 0, print a well-formed table with a line per row, write JSON with the same rows,
 * give every suite at least one row, every figure positive and finite, and leave no scratch pin behind.
 * Privileged: the maps and datapath suites load BPF.
 */
@Tag("privileged")
class BenchShortRunTest {

    @BeforeAll
    static void requireRoot() {
        // Privileged tests must fail, not skip, when they cannot run.
        Capabilities.ofThisProcess().requireForDatapath("the benchmark suites (they load BPF)");
    }

    @Test
    void theShortRunOfEverySuitePrintsATableAndWritesJson(@TempDir Path dir) throws Exception {
        Set<String> pinsBefore = scratchPins();
        Path json = dir.resolve("out/bench.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int status = new CommandLine(new BenchMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute("--short", "--json", json.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        String table = out.toString(StandardCharsets.UTF_8);
        System.out.print(table);
        System.out.printf("short run took %.1f s%n", seconds);
        assertEquals(0, status, "exit status; stderr:\n" + err.toString(StandardCharsets.UTF_8));

        JsonNode doc = new ObjectMapper().readTree(Files.readString(json));
        assertEquals("SHORT", doc.get("mode").asText());
        assertTrue(doc.get("machine").get("cpus").asInt() > 0);
        assertEquals(0, doc.get("failures").size(), doc.get("failures").toString());
        JsonNode rows = doc.get("rows");
        Set<String> suites = new HashSet<>();
        for (JsonNode row : rows) {
            for (String field : List.of("suite", "case", "metric", "unit")) {
                assertTrue(row.hasNonNull(field) && !row.get(field).asText().isBlank(), "row without " + field + ": " + row);
            }
            assertTrue(row.get("value").isNumber(), "value of " + row);
            double v = row.get("value").asDouble();
            assertTrue(Double.isFinite(v) && v > 0, "figure not positive: " + row);
            suites.add(row.get("suite").asText());
        }
        for (BenchSuite s : BenchMain.suites()) assertTrue(suites.contains(s.name()), "no row of suite " + s.name());

        List<String> lines = table.lines().toList();
        assertTrue(lines.get(0).startsWith("Senda benchmarks, short run, "), lines.get(0));
        assertTrue(lines.get(1).matches("SUITE +CASE +METRIC +VALUE +UNIT"), lines.get(1));
        assertEquals(rows.size(), lines.size() - 2, "one table line per JSON row");
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String line = lines.get(i + 2);
            assertTrue(line.startsWith(row.get("suite").asText() + " ") && line.contains(row.get("case").asText())
                    && line.endsWith("  " + row.get("unit").asText()), line + " vs " + row);
        }
        assertEquals(pinsBefore, scratchPins(), "scratch pins left behind");
    }

    /** The scratch pin directories under /sys/fs/bpf (the suites' and, concurrently, other runs'). */
    private static Set<String> scratchPins() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("/sys/fs/bpf"))) {
            Set<String> out = new HashSet<>();
            dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("sd[0-9a-f]{6}")).forEach(out::add);
            return out;
        }
    }
}
