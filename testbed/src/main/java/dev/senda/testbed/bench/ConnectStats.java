package dev.senda.testbed.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * What one {@link ConnectClientMain} run measured.
 *
 * @param ok         measured connections that succeeded
 * @param failed     connections that failed (warm-up ones included)
 * @param p50Nanos   median connect() latency
 * @param p99Nanos   99th percentile connect() latency
 * @param meanNanos  mean connect() latency
 * @param elapsedNanos wall time of the measured loop (connect and close of every connection)
 * @param firstError the first failure, {@code "-"} if none
 */
public record ConnectStats(int ok, int failed, long p50Nanos, long p99Nanos, long meanNanos, long elapsedNanos, String firstError) {
    /** New connections per second: measured successes over the loop's wall time. */
    public double connectionsPerSecond() {
        return elapsedNanos <= 0 ? 0 : ok * 1e9 / elapsedNanos;
    }

    /**
     * Parses the client's output line ({@code connect ok=.. failed=.. ...}).
     *
     * @throws IllegalArgumentException when no such line is in {@code stdout}
     */
    public static ConnectStats parse(String stdout) {
        String line = stdout.lines().filter(l -> l.startsWith("connect ")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no 'connect ...' line in client output: " + stdout.strip()));
        Map<String, String> kv = new HashMap<>();
        for (String part : line.substring("connect ".length()).split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        try {
            return new ConnectStats(Integer.parseInt(kv.get("ok")), Integer.parseInt(kv.get("failed")),
                    Long.parseLong(kv.get("p50_ns")), Long.parseLong(kv.get("p99_ns")), Long.parseLong(kv.get("mean_ns")),
                    Long.parseLong(kv.get("elapsed_ns")), kv.getOrDefault("first_error", "-"));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("malformed client line: " + line, e);
        }
    }
}
