package dev.senda.testbed.bench;

import java.util.Objects;

/**
 * One figure of a benchmark run, in the shape every suite of {@code senda bench} reports.
 *
 * @param suite  the suite ({@code agent})
 * @param name   the case within the suite (e.g. {@code launcher/1000})
 * @param metric what was measured (e.g. {@code start_to_healthz})
 * @param value  the figure
 * @param unit   its unit ({@code ms}, {@code MiB})
 */
public record Row(String suite, String name, String metric, double value, String unit) {
    public Row {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
    }

    /** One line of a plain table: suite, case, metric, value and unit. */
    public String format() {
        return String.format("%-6s %-28s %-22s %10.1f %s", suite, name, metric, value, unit);
    }
}
