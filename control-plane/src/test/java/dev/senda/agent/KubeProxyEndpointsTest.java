package dev.senda.agent;

import dev.senda.reconcile.SyncReason;
import dev.senda.reconcile.SyncReport;
import dev.senda.reconcile.SyncResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kube-proxy's metrics port as its clients see it: paths, mode, and the kubeproxy_* series; real HTTP on 127.0.0.1. */
class KubeProxyEndpointsTest {
    final HealthStateTest.ManualClock clock = new HealthStateTest.ManualClock();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Metrics metrics;
    int port;

    @BeforeEach
    void start() throws Exception {
        metrics = new Metrics(clock);
        port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));
    }

    @AfterEach
    void stop() {
        metrics.close();
        client.close();
    }

    HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String scrape() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics");
        assertEquals(200, r.statusCode());
        return r.body();
    }

    @Test
    void proxyModeAnswersTheModeAsText() throws Exception {
        HttpResponse<String> mode = send("GET", "/proxyMode");
        assertEquals(200, mode.statusCode());
        assertEquals("senda", mode.body());
        assertEquals("text/plain; charset=utf-8", mode.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(200, send("HEAD", "/proxyMode").statusCode());
        assertEquals(405, send("POST", "/proxyMode").statusCode());
    }

    @Test
    void everyOtherPathIs404() throws Exception {
        for (String path : List.of("/", "/healthz", "/livez", "/readyz", "/metricsx", "/metrics/x", "/proxyMode/x",
                "/proxymode", "/-/healthy")) {
            assertEquals(404, send("GET", path).statusCode(), path);
        }
    }

    @Test
    void freshAgentExportsEveryKubeProxySeries() throws Exception {
        String body = scrape();
        for (String line : List.of(
                "# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram",
                "kubeproxy_sync_proxy_rules_duration_seconds_count 0",
                "# TYPE kubeproxy_network_programming_duration_seconds histogram",
                "# TYPE kubeproxy_sync_proxy_rules_no_local_endpoints_total gauge",
                "kubeproxy_network_programming_duration_seconds_count 0",
                "kubeproxy_sync_proxy_rules_last_timestamp_seconds 0.0",
                "kubeproxy_sync_proxy_rules_service_changes_total 0.0",
                "kubeproxy_sync_proxy_rules_endpoint_changes_total 0.0",
                "kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"internal\"} 0.0",
                "kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"external\"} 0.0")) {
            assertTrue(body.contains(line), "missing '" + line + "' in:\n" + body);
        }
    }

    @Test
    void bucketsAreKubeProxys() throws Exception {
        String body = scrape();
        // sync: 1 ms doubling, 15 buckets
        for (String le : List.of("0.001", "0.002", "0.004", "0.128", "1.024", "16.384", "+Inf")) {
            assertTrue(body.contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"" + le + "\"} 0"), le + "\n" + body);
        }
        assertFalse(body.contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"32.768\"}"), body);
        assertEquals(16, body.lines().filter(l -> l.startsWith("kubeproxy_sync_proxy_rules_duration_seconds_bucket")).count());
        // programming: 0.25, 0.5, 1..59, 60..115 by 5, 120..300 by 30, +Inf
        for (String le : List.of("0.25", "0.5", "1.0", "2.0", "59.0", "60.0", "65.0", "115.0", "120.0", "150.0", "300.0", "+Inf")) {
            assertTrue(body.contains("kubeproxy_network_programming_duration_seconds_bucket{le=\"" + le + "\"} 0"), le + "\n" + body);
        }
        assertEquals(2 + 59 + 12 + 7 + 1,
                body.lines().filter(l -> l.startsWith("kubeproxy_network_programming_duration_seconds_bucket")).count());
    }

    @Test
    void syncsChangesAndProgrammingLatencyAreRecorded() throws Exception {
        // the wait for the source's caches is not a kube-proxy sync
        metrics.syncFinished(new SyncReport(SyncReason.REQUESTED, SyncResult.success(false), Duration.ofMillis(1), Optional.empty()));
        metrics.syncFinished(new SyncReport(SyncReason.REQUESTED, SyncResult.failure("x"), Duration.ofMillis(3), Optional.empty()));
        assertTrue(scrape().contains("kubeproxy_sync_proxy_rules_last_timestamp_seconds 0.0"), "a failure is not a successful sync");
        clock.advance(Duration.ofMillis(1500));
        metrics.syncFinished(new SyncReport(SyncReason.REQUESTED, SyncResult.success(true), Duration.ofMillis(12), Optional.empty()));
        metrics.recordChanges(2, 3);
        metrics.recordChanges(1, 0);
        metrics.observeNetworkProgramming(Duration.ofMillis(700));
        metrics.observeNetworkProgramming(Duration.ofSeconds(62));
        metrics.setNoLocalEndpoints(1, 2);

        String body = scrape();
        double expectedTimestamp = Instant.parse("2025-01-01T00:00:01.500Z").toEpochMilli() / 1000.0;
        for (String line : List.of(
                "kubeproxy_sync_proxy_rules_duration_seconds_count 2",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.004\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.016\"} 2",
                "kubeproxy_sync_proxy_rules_last_timestamp_seconds " + expectedTimestamp,
                "kubeproxy_sync_proxy_rules_service_changes_total 3.0",
                "kubeproxy_sync_proxy_rules_endpoint_changes_total 3.0",
                "kubeproxy_network_programming_duration_seconds_count 2",
                "kubeproxy_network_programming_duration_seconds_bucket{le=\"0.5\"} 0",
                "kubeproxy_network_programming_duration_seconds_bucket{le=\"1.0\"} 1",
                "kubeproxy_network_programming_duration_seconds_bucket{le=\"60.0\"} 1",
                "kubeproxy_network_programming_duration_seconds_bucket{le=\"65.0\"} 2",
                "kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"internal\"} 1.0",
                "kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"external\"} 2.0",
                "senda_sync_duration_seconds_count 3")) {
            assertTrue(body.contains(line), "missing '" + line + "' in:\n" + body);
        }
    }
}
