package dev.senda.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real HTTP on 127.0.0.1, ephemeral port. */
class HealthServerTest {
    final HealthStateTest.ManualClock clock = new HealthStateTest.ManualClock();
    final HealthState health = new HealthState(Duration.ofSeconds(120), clock);
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HealthServer server;

    @BeforeEach
    void start() throws IOException {
        server = HealthServer.start(BindAddress.parse("--healthz-bind", "127.0.0.1:0"), health);
    }

    @AfterEach
    void stop() {
        server.close();
        client.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /**
     * An API outage with nothing queued: kube-proxy's rule keeps /healthz 200 (no change can be pending
     * that the agent could program), and the body tells how old the last good sync of the watch is.
     */
    @Test
    void apiOutageShowsInTheBodyNotInTheStatus() {
        java.time.Instant good = clock.instant().minusSeconds(95);
        HealthState withSource = new HealthState(Duration.ofSeconds(120), clock, java.util.List::of,
                () -> new dev.senda.source.SourceHealth(false, java.util.Optional.of(good),
                        "watch lost, reconnecting: no answer to a probe: none within 5s"));
        withSource.syncSucceeded(true);
        clock.advance(Duration.ofMinutes(5)); // periodic resyncs would keep succeeding on the store's state
        HealthState.Status status = withSource.status();
        assertTrue(status.healthy(), status.reason());
        String body = HealthServer.body(status);
        assertTrue(body.contains("\"source\": {\"healthy\": false,\"lastGoodSync\": \"2024-12-31T23:58:25Z\","
                + "\"lastGoodSyncAgeSeconds\": 395.000,\"detail\": \"watch lost, reconnecting: no answer to a probe: none "
                + "within 5s\"},"), body);
    }

    @Test
    void healthzFollowsTheSyncState() throws Exception {
        HttpResponse<String> before = get("/healthz");
        assertEquals(503, before.statusCode());
        assertEquals("application/json", before.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"lastUpdated\": \"0001-01-01T00:00:00Z\",\"currentTime\": \"2025-01-01T00:00:00Z\","
                + "\"nodeEligible\": true,\"healthy\": false,\"rejectedFiles\": [],"
                + "\"source\": {\"healthy\": true,\"lastGoodSync\": \"2025-01-01T00:00:00Z\",\"lastGoodSyncAgeSeconds\": 0.000,"
                + "\"detail\": \"current\"},\"unprogrammedFrontends\": {\"count\": 0,\"first\": []}}\n", before.body());
        assertEquals(503, get("/readyz").statusCode());

        health.syncSucceeded(true);
        HttpResponse<String> ok = get("/healthz");
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("\"lastUpdated\": \"2025-01-01T00:00:00Z\""), ok.body());
        assertTrue(ok.body().contains("\"nodeEligible\": true,\"healthy\": true,"), ok.body());
        assertEquals(200, get("/livez").statusCode());
        assertEquals(200, get("/readyz").statusCode());

        health.queuedUpdate();
        clock.advance(Duration.ofMinutes(3));
        HttpResponse<String> stale = get("/healthz");
        assertEquals(503, stale.statusCode());
        assertTrue(stale.body().contains("\"currentTime\": \"2025-01-01T00:03:00Z\""), stale.body());
        assertEquals(503, get("/livez").statusCode());
        assertEquals(200, get("/readyz").statusCode());

        health.syncSucceeded(true);
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void aRejectedDatapathShowsInTheBodyWithTheVerifiersReasonAndOnlyLivezIs200() throws Exception {
        health.setDatapathFailure(new HealthState.DatapathFailure("senda_tc.o", java.util.Optional.of("senda_tc_from_pod"),
                "invalid access to packet, off=20 size=1\nR1 offset is outside of the packet"));
        HttpResponse<String> healthz = get("/healthz");
        assertEquals(503, healthz.statusCode());
        assertTrue(healthz.body().endsWith(",\"datapath\": {\"loaded\": false,\"object\": \"senda_tc.o\","
                + "\"program\": \"senda_tc_from_pod\",\"verifierLog\": \"invalid access to packet, off=20 size=1\\n"
                + "R1 offset is outside of the packet\",\"detail\": \"datapath not replaced: senda_tc.o (program "
                + "senda_tc_from_pod) rejected by the verifier; the previous datapath keeps running\"}}\n"), healthz.body());
        assertEquals(503, get("/readyz").statusCode(), "a rolling update stops at this node");
        assertEquals(200, get("/livez").statusCode(), "a restart would meet the same refusal");
        health.syncSucceeded(true); // never happens in that state, and would not hide it
        assertEquals(503, get("/healthz").statusCode());
    }

    @Test
    void livezStays200WhileTheAgentWaitsForItsFirstSync() throws Exception {
        health.syncFailed(); // e.g. the API server does not answer yet
        clock.advance(Duration.ofHours(1));
        assertEquals(200, get("/livez").statusCode(), "a liveness probe must not kill a waiting agent");
        assertEquals(503, get("/readyz").statusCode());
        assertEquals(503, get("/healthz").statusCode());
    }

    @Test
    void healthzIs503WhileTheNodeIsBeingDeletedAndLivezStays200() throws Exception {
        health.syncSucceeded(true);
        health.setNodeEligible(false);
        HttpResponse<String> deleting = get("/healthz");
        assertEquals(503, deleting.statusCode());
        assertTrue(deleting.body().contains("\"nodeEligible\": false,\"healthy\": false,"), deleting.body());
        assertEquals(200, get("/livez").statusCode());
        health.setNodeEligible(true);
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void headUnknownPathsAndOtherMethods() throws Exception {
        health.syncSucceeded(true);
        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/healthz")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(404, get("/healthzz").statusCode());
        assertEquals(404, get("/").statusCode());
        assertEquals(404, get("/metrics").statusCode());
        assertEquals(404, get("/proxyMode").statusCode());
        assertEquals(404, get("/healthz/x").statusCode());
        assertEquals(405, send(HttpRequest.newBuilder(uri("/healthz")).POST(HttpRequest.BodyPublishers.ofString("x")).build()).statusCode());
    }

    @Test
    void bindingATakenPortNamesTheAddress() {
        IOException e = assertThrows(IOException.class,
                () -> HealthServer.start(BindAddress.parse("--healthz-bind", "127.0.0.1:" + server.port()), health));
        assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
    }
}
