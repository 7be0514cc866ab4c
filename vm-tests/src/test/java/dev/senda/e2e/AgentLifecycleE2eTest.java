package dev.senda.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.test.Poll;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Testbed.Proto;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.service;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's life as the "new user" sees it: programmed state visible through
 * {@code senda bpf lb list -o json}, forwarding that survives SIGTERM, a restart that changes
 * nothing on the wire, {@code senda cleanup} removing every attachment and pin, and a second agent
 * in per-packet mode taking over right after.
 */
@Tag("privileged")
class AgentLifecycleE2eTest {
    private static final Set<String> ALL = Set.of("echo-a", "echo-b", "echo-c");

    @Test
    @DisplayName("forwarding continues after SIGTERM; restart keeps the maps; cleanup removes everything; per-packet agent takes over")
    void agentLifecycle() throws Exception {
        try (E2eNode node = E2eNode.create(getClass().getSimpleName())) {
            Traffic inCgroup = new Traffic(node.tb, true);
            AgentProcess first = node.startAgent(true);
            String vip = node.nextVip();
            node.apply(service("life", vip, port("http", "TCP", 80, E2eNode.ECHO), port("dns", "UDP", 53, E2eNode.ECHO)));
            node.apply(slice("life", "life-1",
                    List.of(slicePort("http", "TCP", E2eNode.ECHO), slicePort("dns", "UDP", E2eNode.ECHO)),
                    List.of(node.a, node.b, node.c)));
            inCgroup.awaitServedBy(Proto.TCP, node.client, vip, 80, ALL);
            inCgroup.awaitServedBy(Proto.UDP, node.client, vip, 53, ALL);

            // health and metrics on the node namespace's loopback
            assertEquals(200, first.healthz().status());
            // the JVM's series join once the first sync is done (JvmSeriesExport): polled, bounded
            String metrics = first.metrics();
            long jvmSeriesDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!(metrics.contains("jvm_memory_used_bytes") && metrics.contains("process_resident_memory_bytes"))
                    && System.nanoTime() < jvmSeriesDeadline) {
                Thread.sleep(100);
                metrics = first.metrics();
            }
            assertTrue(metrics.contains("# TYPE"), "metrics are not Prometheus text:\n" + head(metrics));
            assertTrue(metrics.lines().anyMatch(l -> l.matches("senda_datapath_events_total\\{event=\"sock_translated\"} [1-9].*")),
                    "the datapath's socket-LB translations are not counted:\n" + metrics);
            assertTrue(metrics.contains("jvm_memory_used_bytes") && metrics.contains("process_resident_memory_bytes"),
                    "no JVM or process metrics:\n" + head(metrics));
            Promtool.assertClean(metrics);

            // the programmed state, decoded for humans and as JSON
            String listing = lbListJson(first, vip, node);
            Exec.Result text = first.lbList();
            assertTrue(text.ok() && text.stdout().contains(vip), "bpf lb list (text) does not show " + vip + ": " + text);

            // A second client keeps requesting the VIP (TCP and UDP in turn) from before SIGTERM until the
            // restarted agent has been checked: neither the stop nor the start may drop a single request.
            ClientLoop loop = new ClientLoop(inCgroup, node, vip);
            try {
                loop.awaitRequests(20, Duration.ofSeconds(30));

                // SIGTERM: exits cleanly, forwarding continues
                assertEquals(0, first.stop(), "agent exit code after SIGTERM\n" + first.logTail(30));
                int atStop = loop.size();
                Traffic.Tally after = inCgroup.tally(Proto.TCP, node.client, vip, 80, 30);
                assertTrue(after.failures().isEmpty() && after.pods().equals(ALL), "forwarding after SIGTERM: " + after);
                Traffic.Tally udpAfter = inCgroup.tally(Proto.UDP, node.client, vip, 53, 30);
                assertTrue(udpAfter.failures().isEmpty() && udpAfter.pods().equals(ALL), "UDP after SIGTERM: " + udpAfter);

                // restart on the same pins: the maps come back identical, no request fails meanwhile
                int atStart = loop.size();
                AgentProcess second = node.startAgent(true);
                int atHealthy = loop.size();
                // /healthz is 200 only once the first complete sync is programmed: that sync found the pinned maps
                // already right and wrote nothing (restart changes nothing on the wire)
                String restartMetrics = second.metrics();
                assertTrue(PromText.require(restartMetrics, "senda_sync_total{result=\"success\"}") >= 1,
                        "healthy without a successful sync?\n" + restartMetrics);
                assertEquals(0, PromText.require(restartMetrics, "senda_map_writes_total"),
                        "the restarted agent wrote to the maps during its first complete sync\n" + second.logTail(40));
                assertEquals(2, PromText.require(restartMetrics, "senda_programmed_frontends"), "frontends after restart");
                assertEquals(6, PromText.require(restartMetrics, "senda_programmed_backends"), "backends after restart");
                String relisting = lbListJson(second, vip, node);
                assertEquals(new ObjectMapper().readTree(listing), new ObjectMapper().readTree(relisting),
                        "a restart changed the programmed state");
                Traffic.Tally restarted = inCgroup.tally(Proto.TCP, node.client, vip, 80, 30);
                assertTrue(restarted.failures().isEmpty() && restarted.pods().equals(ALL), "after restart: " + restarted);

                // ... and stays 0 through a later sync: a Service for another proxy changes nothing desired
                double syncs = PromText.require(second.metrics(), "senda_sync_total{result=\"success\"}");
                node.apply(KubeObjects.labeled(service("life-other", node.nextVip(), port("http", "TCP", 80, E2eNode.ECHO)),
                        "service.kubernetes.io/service-proxy-name", "some-other-proxy"));
                String later = awaitMetrics(second, m -> PromText.require(m, "senda_sync_total{result=\"success\"}") > syncs,
                        "a sync after the unrelated Service change", Duration.ofSeconds(20));
                assertEquals(0, PromText.require(later, "senda_map_writes_total"),
                        "the restarted agent wrote to the maps after its first complete sync\n" + second.logTail(40));

                loop.awaitRequests(atHealthy + 20, Duration.ofSeconds(30));
                loop.stop();
                E2eNode.log(String.format("client loop across restart: %d requests (%d before SIGTERM, %d while no agent ran, "
                                + "%d while the new agent started, %d after), max %d ms", loop.size(), atStop,
                        atStart - atStop, atHealthy - atStart, loop.size() - atHealthy, loop.maxMillis()));
                List<ClientResult> failures = loop.failures();
                assertTrue(failures.isEmpty(), failures.size() + " of " + loop.size()
                        + " requests failed across the agent restart, e.g. " + failures.subList(0, Math.min(3, failures.size())));
                assertTrue(atHealthy - atStart >= 5, "the client loop made only " + (atHealthy - atStart)
                        + " requests while the new agent started: the restart was not under load");
                assertTrue(loop.pods().equals(ALL), "the client loop was served by " + loop.pods());
            } finally {
                loop.stop();
            }
            AgentProcess second = node.agent();

            // cleanup: no pins, no cgroup attachments, the VIP is no longer translated
            Exec.Result cleanup = second.cleanup();
            assertTrue(cleanup.ok(), "senda cleanup failed: " + cleanup);
            assertFalse(Files.exists(second.settings().bpffsRoot()), "pins left under " + second.settings().bpffsRoot());
            Exec.Result cg = Exec.run(Duration.ofSeconds(10), "bpftool", "cgroup", "show", node.tb.cgroupDir().toString());
            assertTrue(cg.ok() && cg.stdout().isBlank(), "programs still attached to " + node.tb.cgroupDir() + ": " + cg.stdout());
            inCgroup.awaitFailure(Proto.TCP, node.client, vip, 80, e -> true, Duration.ofSeconds(5));

            // a per-packet agent right after: clients outside the cgroup are served through tc
            node.startAgent(false);
            Traffic outside = new Traffic(node.tb, false);
            outside.awaitServedBy(Proto.TCP, node.client, vip, 80, ALL);
            Traffic.Tally udp = outside.awaitServedBy(Proto.UDP, node.client, vip, 53, ALL);
            udp.successes().forEach(r -> assertEquals(node.client.ip(), r.peer().orElseThrow(), "per-packet UDP source: " + r));
        }
    }

    @Test
    @DisplayName("a per-packet agent started right after a socket-LB agent stopped (no cleanup between) takes over")
    void perPacketAgentRightAfterSocketLbAgent() throws Exception {
        try (E2eNode node = E2eNode.create(getClass().getSimpleName())) {
            AgentProcess first = node.startAgent(true);
            String vip = node.nextVip();
            node.apply(service("switch", vip, port("http", "TCP", 80, E2eNode.ECHO)));
            node.apply(slice("switch", "switch-1", List.of(slicePort("http", "TCP", E2eNode.ECHO)),
                    List.of(node.a, node.b, node.c)));
            new Traffic(node.tb, true).awaitServedBy(Proto.TCP, node.client, vip, 80, ALL);
            assertEquals(0, first.stop(), "agent exit code after SIGTERM\n" + first.logTail(30));

            node.startAgent(false);
            // clients outside the cgroup go through tc, clients inside it too once socket LB is gone
            new Traffic(node.tb, false).awaitServedBy(Proto.TCP, node.client, vip, 80, ALL);
            new Traffic(node.tb, true).awaitServedBy(Proto.TCP, node.client2, vip, 80, ALL);
            Exec.Result cg = Exec.run(Duration.ofSeconds(10), "bpftool", "cgroup", "show", node.tb.cgroupDir().toString());
            assertTrue(cg.ok() && cg.stdout().isBlank(),
                    "--socket-lb=false, yet socket LB programs from the previous run are still attached to "
                            + node.tb.cgroupDir() + ":\n" + cg.stdout());
        }
    }

    /** `bpf lb list -o json` must be JSON and name the VIP and every backend address. */
    private static String lbListJson(AgentProcess agent, String vip, E2eNode node) throws IOException {
        Exec.Result r = agent.lbList("-o", "json");
        assertTrue(r.ok(), "bpf lb list -o json failed: " + r);
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        String flat = json.toString();
        assertTrue(flat.contains(vip), "bpf lb list -o json does not show " + vip + ":\n" + r.stdout());
        for (var pod : List.of(node.a, node.b, node.c)) {
            assertTrue(flat.contains(pod.ip()), "bpf lb list -o json does not show backend " + pod.ip() + ":\n" + r.stdout());
        }
        return r.stdout();
    }

    /** Polls /metrics (every 100 ms, at most {@code bound}) until {@code done} holds; returns that scrape. */
    private static String awaitMetrics(AgentProcess agent, java.util.function.Predicate<String> done, String what,
                                       Duration bound) throws IOException {
        return Poll.result(bound, Duration.ofMillis(100), agent::metrics, done, last -> what + "; last /metrics:\n" + head(last));
    }

    /**
     * Requests from client2 (in the cgroup) to the VIP, TCP port 80 and UDP port 53 in turn, on a thread
     * of its own, at most 100 000 requests and 180 s, until {@link #stop()}.
     */
    private static final class ClientLoop {
        private final List<ClientResult> results = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        ClientLoop(Traffic traffic, E2eNode node, String vip) {
            thread = Thread.ofPlatform().name("restart-client").start(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                // paced (2 ms between requests) so the count bound is never reached before the time bound
                for (int i = 0; i < 100_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                    boolean tcp = i % 2 == 0;
                    try {
                        results.add(traffic.one(tcp ? Proto.TCP : Proto.UDP, node.client2, vip, tcp ? 80 : 53));
                    } catch (IOException e) {
                        results.add(ClientResult.failure("client could not run: " + e, 0));
                    }
                    Traffic.sleep(2);
                }
            });
        }

        int size() {
            return results.size();
        }

        /** Waits until the loop made {@code n} requests (fails if it ended or {@code bound} passed first). */
        void awaitRequests(int n, Duration bound) {
            Poll.until(bound, () -> size() >= n || !thread.isAlive(), () -> n + " requests of the client loop");
            assertTrue(size() >= n, "the client loop ended after only " + size() + " of " + n + " requests");
        }

        void stop() throws InterruptedException {
            stop.set(true);
            if (!thread.join(Duration.ofSeconds(30))) throw new AssertionError("the client loop did not stop");
        }

        List<ClientResult> failures() {
            synchronized (results) {
                return results.stream().filter(r -> !r.ok()).toList();
            }
        }

        long maxMillis() {
            synchronized (results) {
                return results.stream().mapToLong(ClientResult::millis).max().orElse(0);
            }
        }

        Set<String> pods() {
            synchronized (results) {
                return results.stream().flatMap(r -> r.pod().stream()).collect(java.util.stream.Collectors.toSet());
            }
        }
    }

    private static String head(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }
}
