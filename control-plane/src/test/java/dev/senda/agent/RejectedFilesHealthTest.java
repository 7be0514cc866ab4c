package dev.senda.agent;

import dev.senda.source.DirectorySource;
import dev.senda.source.ObjectStore;
import dev.senda.source.RejectedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The user-visible side of a refused file, with a real directory source behind health and metrics
 * (as the agent wires them): /healthz is not 200 while a file contributes nothing, /livez and /readyz
 * are unaffected, the JSON names the file, and {@code senda_source_files_rejected} counts it.
 */
class RejectedFilesHealthTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DirectorySource source;
    private Metrics metrics;
    private HealthServer server;

    @AfterEach
    void close() {
        if (server != null) server.close();
        if (metrics != null) metrics.close();
        if (source != null) source.close();
        client.close();
    }

    private static String service(String name) {
        return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + "}\nspec: {clusterIP: 10.96.0.1, ports: [{port: 80}]}\n";
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFileRefusedAtStartMakesHealthzFailAndIsCounted() throws Exception {
        // A quote in the name: the JSON must escape it.
        Path big = dir.resolve("big \"quoted\".yaml");
        Files.writeString(big, service("big") + "# " + "x".repeat(600) + "\n");
        Files.writeString(dir.resolve("ok.yaml"), service("ok"));
        source = new DirectorySource(dir, Duration.ofMillis(200), 512);
        source.start(new ObjectStore(), () -> { });

        metrics = new Metrics();
        metrics.exportRejectedFiles(source::rejectedFiles);
        int metricsPort = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));
        HealthState health = new HealthState(Duration.ofMinutes(2),
                new HealthStateTest.ManualClock(), source::rejectedFiles);
        server = HealthServer.start(BindAddress.parse("--healthz-bind", "127.0.0.1:0"), health);
        health.syncSucceeded(true); // the sync that programmed ok.yaml's Service

        HttpResponse<String> healthz = get(server.port(), "/healthz");
        assertEquals(503, healthz.statusCode(), healthz.body());
        assertTrue(healthz.body().contains("\"rejectedFiles\": [{\"path\": \""
                + big.toString().replace("\"", "\\\"") + "\",\"reason\": \"too_large\""), healthz.body());
        assertTrue(healthz.body().contains("\"lastGoodKept\": false"), healthz.body());
        assertTrue(healthz.body().contains(DirectorySource.MAX_FILE_BYTES_FLAG), healthz.body());
        assertEquals(200, get(server.port(), "/livez").statusCode(), "a restart cannot fix a file");
        assertEquals(200, get(server.port(), "/readyz").statusCode());
        assertTrue(health.status().reason().contains("big"), health.status().reason());
        String scrape = get(metricsPort, "/metrics").body();
        assertTrue(scrape.contains("senda_source_files_rejected{reason=\"too_large\"} 1.0"), scrape);
        assertTrue(scrape.contains("senda_source_files_rejected{reason=\"unparsable\"} 0.0"), scrape);

        // Fixed (replaced by a file that fits): healthy again, nothing listed, the gauge back to 0.
        Path fixed = dir.resolve(".fixed.tmp");
        Files.writeString(fixed, service("big"));
        Files.move(fixed, big, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        pollUntil(() -> source.rejectedFiles().isEmpty(), "the fixed file read");
        HttpResponse<String> ok = get(server.port(), "/healthz");
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().contains("\"rejectedFiles\": [],"), ok.body());
        assertTrue(get(metricsPort, "/metrics").body().contains("senda_source_files_rejected{reason=\"too_large\"} 0.0"));
    }

    @Test
    void aFileThatKeepsItsLastGoodObjectsIsListedButHealthy() {
        HealthState health = new HealthState(Duration.ofMinutes(2),
                new HealthStateTest.ManualClock(), () -> List.of(new RejectedFile(Path.of("/etc/senda/a.yaml"),
                RejectedFile.Reason.UNPARSABLE, "line 3, column 1: bad", true)));
        health.syncSucceeded(true);
        HealthState.Status status = health.status();
        assertTrue(status.healthy(), status.reason());
        assertEquals(1, status.rejectedFiles().size());
        assertTrue(HealthServer.body(status).contains("\"lastGoodKept\": true"));

        HealthState missing = new HealthState(Duration.ofMinutes(2),
                new HealthStateTest.ManualClock(), () -> List.of(new RejectedFile(Path.of("/etc/senda/a.yaml"),
                RejectedFile.Reason.UNPARSABLE, "line 3, column 1: bad", false)));
        missing.syncSucceeded(true);
        assertFalse(missing.status().healthy());
        assertTrue(missing.status().live());
    }

    private static void pollUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }
}
