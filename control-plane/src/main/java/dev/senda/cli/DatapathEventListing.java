package dev.senda.cli;

import dev.senda.maps.metrics.DatapathEvent;

import java.util.Map;

/**
 * The datapath's event counters, for humans ({@link #toTable}) and for scripts ({@link #toJson}):
 * every known event in index order, counts printed as unsigned decimals.
 */
public record DatapathEventListing(Map<DatapathEvent, Long> counts) {

    public DatapathEventListing {
        counts = Map.copyOf(counts);
    }

    private long count(DatapathEvent e) {
        return counts.getOrDefault(e, 0L);
    }

    /** {@code EVENT COUNT DESCRIPTION}, one row per event. */
    public String toTable() {
        int width = "EVENT".length();
        for (DatapathEvent e : DatapathEvent.values()) width = Math.max(width, e.metricName().length());
        String row = "%-" + width + "s %20s  %s%n";
        StringBuilder out = new StringBuilder(String.format(row, "EVENT", "COUNT", "DESCRIPTION"));
        for (DatapathEvent e : DatapathEvent.values()) {
            out.append(String.format(row, e.metricName(), Long.toUnsignedString(count(e)), e.help()));
        }
        return out.toString();
    }

    /** One JSON object, event name to count (names are stable snake_case, no escaping needed). */
    public String toJson() {
        StringBuilder out = new StringBuilder("{");
        DatapathEvent[] events = DatapathEvent.values();
        for (int i = 0; i < events.length; i++) {
            out.append(i == 0 ? "\n" : ",\n").append("  \"").append(events[i].metricName()).append("\": ")
                    .append(Long.toUnsignedString(count(events[i])));
        }
        return out.append(events.length == 0 ? "}\n" : "\n}\n").toString();
    }
}
