package dev.senda.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.senda.maps.metrics.DatapathEvent;

import java.math.BigInteger;
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

    /** One JSON object, event name to count, in index order; counts are unsigned 64-bit numbers. */
    public String toJson() {
        ObjectNode out = Json.object();
        for (DatapathEvent e : DatapathEvent.values()) {
            out.put(e.metricName(), new BigInteger(Long.toUnsignedString(count(e))));
        }
        return Json.write(out);
    }
}
