package dev.senda.bench.api;

import java.util.Objects;

/**
 * One figure of a benchmark run: one line of the table {@code ./senda bench} prints and one object of
 * the {@code rows} array of its JSON.
 *
 * @param suite    the suite that measured it ({@link BenchSuite#name()}), e.g. {@code datapath}
 * @param caseName what was measured, with its size, e.g. {@code tc syn new flow, 10000 services};
 *                 the JSON calls it {@code case} (a Java keyword, hence the longer name here)
 * @param metric   which figure of that case, e.g. {@code mean}, {@code p99}, {@code ratio to no-op}
 * @param value    finite; a time, a rate, a size or a ratio as {@code unit} says
 * @param unit     e.g. {@code ms}, {@code ns/packet}, {@code MiB}, {@code x} for a ratio
 */
public record Row(String suite, String caseName, String metric, double value, String unit) {
    public Row {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(caseName, "caseName");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("row " + suite + " / " + caseName + " / " + metric + ": value " + value);
        }
    }
}
