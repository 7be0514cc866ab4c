package dev.senda.e2e;

import java.util.OptionalDouble;

/**
 * Reads one series out of a Prometheus text exposition, as the agent's {@code /metrics} serves it.
 * A series is named exactly as exported, labels included ({@code senda_map_entries{map="senda_ct4_v2"}});
 * a timestamp after the value, if any, is ignored.
 */
final class PromText {
    private PromText() {
    }

    /** The value of {@code series}, empty when the exposition has no such line. */
    static OptionalDouble find(String text, String series) {
        String prefix = series + " ";
        return text.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).strip().split(" ")[0]))
                .findFirst();
    }

    /** The value of {@code series}; fails the test, quoting the start of the exposition, when absent. */
    static double require(String text, String series) {
        return find(text, series).orElseThrow(() -> new AssertionError("no series " + series + " in /metrics:\n"
                + text.substring(0, Math.min(2000, text.length()))));
    }

    /** The value of {@code series}, or {@code absent} (a counter not exported yet reads as 0). */
    static double orElse(String text, String series, double absent) {
        return find(text, series).orElse(absent);
    }
}
