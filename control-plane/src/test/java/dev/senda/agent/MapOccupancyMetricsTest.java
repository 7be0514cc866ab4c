package dev.senda.agent;

import dev.senda.maps.metrics.LruPressure;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * senda_map_entries and senda_map_capacity_entries cover the LRU maps besides the reconciled ones, each
 * map once; senda_lru_evictions_total carries the estimate; a count that fails leaves only the LRU
 * series out of the scrape.
 */
class MapOccupancyMetricsTest {
    /** The sized maps as loaded: senda_ct4_v2 at its setting, senda_svc4_v1 kept at a pinned size. */
    private static final Map<String, Integer> SIZED = Map.of("senda_ct4_v2", 1024, "senda_svc4_v1", 4096);

    private static String scrape(HttpClient client, int port) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static long count(String body, String prefix) {
        return body.lines().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void lruMapsAreExportedBesideTheReconciledOnesAndAFailedCountLeavesOnlyThemOut() throws Exception {
        LruPressure.Sample sample = new LruPressure.Sample(Instant.EPOCH,
                Map.of("senda_ct4_v2", 1000L, "senda_polct4_v1", 7L),
                Map.of("senda_ct4_v2", 1024, "senda_polct4_v1", 65536),
                Map.of("conntrack", 3170L, "nat", 0L));
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        try (Metrics metrics = new Metrics(); HttpClient client = HttpClient.newHttpClient()) {
            metrics.exportMapOccupancy(() -> Map.of("senda_svc4_v1", 12), SIZED, () -> {
                if (failure.get() != null) throw failure.get();
                return sample;
            });
            int port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));

            String body = scrape(client, port);
            assertTrue(body.contains("senda_map_entries{map=\"senda_svc4_v1\"} 12.0"), body);
            assertTrue(body.contains("senda_map_entries{map=\"senda_ct4_v2\"} 1000.0"), body);
            assertTrue(body.contains("senda_map_entries{map=\"senda_polct4_v1\"} 7.0"), body);
            // each map's capacity once: a sized one's as loaded (a kept one's pinned size), another LRU map's
            // from the count
            assertEquals(1, count(body, "senda_map_capacity_entries{map=\"senda_ct4_v2\"} "), body);
            assertTrue(body.contains("senda_map_capacity_entries{map=\"senda_ct4_v2\"} 1024.0"), body);
            assertTrue(body.contains("senda_map_capacity_entries{map=\"senda_svc4_v1\"} 4096.0"), body);
            assertTrue(body.contains("senda_map_capacity_entries{map=\"senda_polct4_v1\"} 65536.0"), body);
            assertTrue(body.contains("# TYPE senda_lru_evictions_total counter"), body);
            assertTrue(body.contains("senda_lru_evictions_total{table=\"conntrack\"} 3170.0"), body);
            assertTrue(body.contains("senda_lru_evictions_total{table=\"nat\"} 0.0"), body);

            failure.set(new IllegalStateException("map gone"));
            body = scrape(client, port);
            assertTrue(body.contains("senda_map_entries{map=\"senda_svc4_v1\"} 12.0"), body);
            // without a count, the sized maps' still
            assertTrue(body.contains("senda_map_capacity_entries{map=\"senda_ct4_v2\"} 1024.0"), body);
            assertFalse(body.contains("senda_map_entries{map=\"senda_ct4_v2\"}"), body);
            assertFalse(body.contains("senda_lru_evictions_total{"), body);

            failure.set(null);
            assertTrue(scrape(client, port).contains("senda_lru_evictions_total{table=\"conntrack\"} 3170.0"),
                    "back once the maps can be counted again");
        }
    }
}
