package dev.senda.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.senda.bench.api.BenchMode;
import dev.senda.bench.api.Row;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of {@code ./senda bench} measured: its rows, the suites that failed, when, where.
 * Printed as a table ({@link #table()}) and written as JSON ({@link #json()}):
 * <pre>
 * {"date": "2026-12-06T08:00:00Z", "mode": "FULL", "machine": {"cpuModel": ..., "cpus": 2,
 *  "memoryBytes": ..., "kernel": ..., "java": ...}, "rows": [{"suite": ..., "case": ..., "metric": ...,
 *  "value": 1.5, "unit": "ms"}, ...], "failures": [{"suite": ..., "error": ...}]}
 * </pre>
 *
 * @param failures suite name -> why it could not measure; empty when every suite ran
 */
public record BenchReport(Instant date, BenchMode mode, Machine machine, List<Row> rows, Map<String, String> failures) {
    public BenchReport {
        rows = List.copyOf(rows);
        failures = Map.copyOf(failures);
    }

    /** Columns SUITE, CASE, METRIC, VALUE (right-aligned) and UNIT, one line per row. */
    public String table() {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"SUITE", "CASE", "METRIC", "VALUE", "UNIT"});
        for (Row r : rows) lines.add(new String[] {r.suite(), r.caseName(), r.metric(), format(r.value()), r.unit()});
        int[] width = new int[5];
        for (String[] l : lines) for (int i = 0; i < 5; i++) width[i] = Math.max(width[i], l[i].length());
        StringBuilder out = new StringBuilder();
        for (String[] l : lines) {
            out.append(pad(l[0], width[0])).append("  ").append(pad(l[1], width[1])).append("  ")
                    .append(pad(l[2], width[2])).append("  ").append(" ".repeat(width[3] - l[3].length())).append(l[3])
                    .append("  ").append(l[4]).append('\n');
        }
        return out.toString();
    }

    /** The value as the table shows it: three significant digits at least, thousands grouped. */
    static String format(double v) {
        double a = Math.abs(v);
        if (a >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    /** The JSON document described above. */
    public String json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", date.toString());
        doc.put("mode", mode.name());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpuModel", machine.cpuModel());
        m.put("cpus", machine.cpus());
        m.put("memoryBytes", machine.memoryBytes());
        m.put("kernel", machine.kernel());
        m.put("java", machine.java());
        doc.put("machine", m);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("suite", r.suite());
            o.put("case", r.caseName());
            o.put("metric", r.metric());
            o.put("value", r.value());
            o.put("unit", r.unit());
            rs.add(o);
        }
        doc.put("rows", rs);
        List<Map<String, Object>> fs = new ArrayList<>();
        failures.forEach((suite, error) -> fs.add(Map.of("suite", suite, "error", error)));
        doc.put("failures", fs);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, json());
    }
}
