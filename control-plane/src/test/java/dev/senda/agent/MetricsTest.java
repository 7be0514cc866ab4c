package dev.senda.agent;

import dev.senda.reconcile.ApplyResult;
import dev.senda.reconcile.SyncReason;
import dev.senda.reconcile.SyncReport;
import dev.senda.reconcile.SyncResult;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scrapes the exporter over real HTTP on 127.0.0.1. */
class MetricsTest {
    @Test
    void exposesEveryMetricInTextFormat() throws Exception {
        try (Metrics metrics = new Metrics();
             HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            metrics.syncFinished(new SyncReport(SyncReason.REQUESTED, SyncResult.success(true),
                    Duration.ofMillis(12), Optional.of(Duration.ofMillis(40))));
            metrics.syncFinished(new SyncReport(SyncReason.PERIODIC, SyncResult.failure("x"),
                    Duration.ofMillis(3), Optional.empty()));
            metrics.recordApply(new ApplyResult(17, 2, 3, 5, 0, List.of()));
            metrics.setRejectedObjects(1);

            int port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
            String body = r.body();
            for (String line : List.of(
                    "# TYPE senda_sync_duration_seconds histogram",
                    "senda_sync_duration_seconds_count 2",
                    "senda_sync_duration_seconds_bucket{le=\"0.005\"} 1",
                    "# TYPE senda_network_programming_duration_seconds histogram",
                    "senda_network_programming_duration_seconds_count 1",
                    "senda_sync_total{result=\"success\"} 1.0",
                    "senda_sync_total{result=\"error\"} 1.0",
                    "senda_programmed_services 2.0",
                    "senda_programmed_frontends 3.0",
                    "senda_programmed_backends 5.0",
                    "senda_rejected_objects 1.0",
                    "senda_map_writes_total 17.0")) {
                assertTrue(body.contains(line), "missing '" + line + "' in:\n" + body);
            }
        }
    }

    /**
     * JvmMetrics' set without its native-memory part, once exported: one series of each collector the agent
     * registers (but the pool-allocation counters, which appear only once a collection has reported); a
     * second export changes nothing (registering a collector twice would throw).
     */
    @Test
    void exposesTheJvmAndProcessSeriesOnceExported() throws Exception {
        try (Metrics metrics = new Metrics()) {
            assertTrue(metrics.registry().scrape().stream().noneMatch(m -> m.getMetadata().getName().startsWith("jvm")),
                    "no JVM series before exportJvm");
            metrics.exportJvm();
            metrics.exportJvm();
            String body = scrape(metrics);
            for (String family : List.of("jvm_threads_current", "jvm_buffer_pool_used_bytes", "jvm_classes_currently_loaded",
                    "jvm_compilation_time_seconds_total", "jvm_gc_collection_seconds", "jvm_memory_used_bytes", "jvm_runtime_info", "process_resident_memory_bytes")) {
                assertTrue(body.contains("\n" + family), "missing " + family + " in:\n" + body);
            }
            assertTrue(!body.contains("jvm_native_memory"), "native-memory series are left out");
        }
    }

    @Test
    void freshMetricsShowZeroSyncCounts() throws Exception {
        try (Metrics metrics = new Metrics()) {
            String body = scrape(metrics);
            assertTrue(body.contains("senda_sync_total{result=\"error\"} 0.0"), body);
            assertTrue(body.contains("senda_sync_total{result=\"success\"} 0.0"), body);
        }
    }

    /** Starts {@code metrics}' server on a free loopback port and returns one scrape of /metrics. */
    private static String scrape(Metrics metrics) throws Exception {
        int port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
