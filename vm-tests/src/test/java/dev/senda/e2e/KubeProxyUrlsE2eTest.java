package dev.senda.e2e;

import dev.senda.test.Poll;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.NetnsHttp;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.service;
import static dev.senda.e2e.KubeObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kube-proxy's own endpoints on the real agent ({@code test/e2e/network/networking.go}): the health
 * port 10256 and the metrics port 10249, fetched from inside the node (as upstream's host-network
 * pod does), with Senda in socket-LB mode (the endpoints do not depend on the datapath).
 */
class KubeProxyUrlsE2eTest extends AgentNodeE2e {
    @Override
    boolean socketLb() {
        return true;
    }

    private NetnsHttp.Response get(int port, String path) throws IOException {
        return NetnsHttp.get(node.tb.nodeNetnsPath(), "127.0.0.1", port, path, Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("should check kube-proxy urls")
    void shouldCheckKubeProxyUrls() throws IOException {
        NetnsHttp.Response healthz = get(AgentProcess.HEALTHZ_PORT, "/healthz");
        assertEquals(200, healthz.status(), healthz.body());
        assertTrue(healthz.body().contains("lastUpdated"), healthz.body());
        assertTrue(healthz.body().contains("\"nodeEligible\": true,\"healthy\": true"), healthz.body());
        NetnsHttp.Response livez = get(AgentProcess.HEALTHZ_PORT, "/livez");
        assertEquals(200, livez.status(), livez.body());

        NetnsHttp.Response mode = get(AgentProcess.METRICS_PORT, "/proxyMode");
        assertEquals(200, mode.status(), mode.body());
        assertEquals("senda", mode.body());

        // a probe aimed at the wrong port or path fails instead of passing
        assertEquals(404, get(AgentProcess.METRICS_PORT, "/healthz").status());
        assertEquals(404, get(AgentProcess.METRICS_PORT, "/").status());
        assertEquals(404, get(AgentProcess.HEALTHZ_PORT, "/proxyMode").status());
        assertEquals(404, get(AgentProcess.HEALTHZ_PORT, "/metrics").status());
    }

    @Test
    @DisplayName("kubeproxy_* metrics: sync timestamp, changes, and network programming latency from the EndpointSlice trigger time")
    void kubeProxyMetricsFollowProgramming() throws IOException {
        String before = node.agent().metrics();
        assertTrue(metric(before, "kubeproxy_sync_proxy_rules_last_timestamp_seconds") > 0,
                "no successful sync timestamp after start:\n" + before);
        double services = metric(before, "kubeproxy_sync_proxy_rules_service_changes_total");
        double slices = metric(before, "kubeproxy_sync_proxy_rules_endpoint_changes_total");
        double measured = metric(before, "kubeproxy_network_programming_duration_seconds_count");
        assertEquals(0, metric(before, "kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"internal\"}"));

        String vip = node.nextVip();
        // RFC 3339 with a fraction, as the EndpointSlice controller writes it
        Instant trigger = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        node.apply(service("urls", vip, port("http", "TCP", 80, E2eNode.ECHO)));
        EndpointSlice s = slice("urls", "urls-1", List.of(KubeObjects.slicePort("http", "TCP", E2eNode.ECHO)), List.of(node.a));
        s.getMetadata().setAnnotations(Map.of("endpoints.kubernetes.io/last-change-trigger-time", trigger.toString()));
        node.apply(s);
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a));

        String after = Poll.result(CONVERGE, Duration.ofMillis(100), () -> node.agent().metrics(),
                m -> metric(m, "kubeproxy_network_programming_duration_seconds_count") == measured + 1,
                m -> "the trigger time measured once, in:\n" + m);
        assertTrue(metric(after, "kubeproxy_sync_proxy_rules_service_changes_total") >= services + 1, after);
        assertTrue(metric(after, "kubeproxy_sync_proxy_rules_endpoint_changes_total") >= slices + 1, after);
        double latency = metric(after, "kubeproxy_network_programming_duration_seconds_sum")
                - metric(before, "kubeproxy_network_programming_duration_seconds_sum");
        double bound = Duration.between(trigger, Instant.now()).toMillis() / 1000.0;
        assertTrue(latency >= 0 && latency <= bound, "latency " + latency + " s not within [0, " + bound + "] s");
    }

    /** The value of the series named exactly {@code series} (name and labels), 0 when absent. */
    static double metric(String text, String series) {
        return PromText.orElse(text, series, 0);
    }
}
