package dev.senda.e2e;

import dev.senda.test.Poll;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Exec;
import dev.senda.testbed.NetnsHttp;
import dev.senda.testbed.Testbed.Proto;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.service;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node reboot as the agent sees it: its pins, maps and attachments gone ({@code senda cleanup}
 * removes exactly those, as a reboot empties bpffs and the cgroup attachments), its state directory
 * on disk kept, and the API server not answering (port 6443 in the node namespace closed) when it
 * starts again. The agent must forward from the snapshot of its last inputs before the API server
 * answers, and converge to the API's state once it does; a damaged snapshot must be ignored.
 */
@Tag("privileged")
class NodeRebootE2eTest {
    private static final Set<String> BEFORE = Set.of("echo-a", "echo-b");
    private static final Set<String> AFTER = Set.of("echo-c");

    @Test
    @DisplayName("after a node reboot the agent forwards from its snapshot before the API server answers, then converges to the API's state")
    void forwardsFromTheSnapshotUntilTheApiAnswers() throws Exception {
        try (E2eNode node = E2eNode.create(getClass().getSimpleName())) {
            Traffic traffic = new Traffic(node.tb, true);
            String vip = programAndReboot(node, traffic);

            // While the node was down the Service moved to echo-c: the API has it, the snapshot does not.
            node.apply(slice("reboot", "reboot-1", List.of(slicePort("http", "TCP", E2eNode.ECHO)), List.of(node.c)));

            long start = System.nanoTime();
            AgentProcess second = node.launchAgent(true);
            ClientResult first = Poll.result(Duration.ofSeconds(60), Duration.ofMillis(20),
                    () -> traffic.one(Proto.TCP, node.client, vip, 80, Traffic.FAILURE_TIMEOUT), ClientResult::ok,
                    last -> "a connection to " + vip + ":80 served from the snapshot; last: " + last + "\n" + second.logTail(40));
            long firstServedMs = (System.nanoTime() - start) / 1_000_000;
            E2eNode.log("agent start to the first connection served from the snapshot (API server down): " + firstServedMs + " ms");
            assertTrue(BEFORE.contains(first.pod().orElse("?")), "served by " + first + ", not by the snapshot's endpoints");

            // Forwarding from the snapshot, with the API still down: only the snapshot's endpoints, and
            // health says not healthy (not synced with the API) while liveness holds.
            Traffic.Tally fromSnapshot = traffic.tally(Proto.TCP, node.client, vip, 80, 12);
            assertTrue(fromSnapshot.failures().isEmpty() && BEFORE.containsAll(fromSnapshot.pods()), "from the snapshot: " + fromSnapshot);
            assertEquals(503, second.healthz().status(), "/healthz before the API answered");
            assertEquals(200, NetnsHttp.get(node.tb.nodeNetnsPath(), "127.0.0.1", AgentProcess.HEALTHZ_PORT, "/livez",
                    Duration.ofSeconds(2)).status(), "/livez while waiting for the API server");
            assertTrue(Files.readString(second.settings().logFile()).contains("programming the snapshot"), second.logTail(40));

            // The API server answers: the agent converges to echo-c alone.
            long back = System.nanoTime();
            node.api.reconnect();
            traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, AFTER, 12, Duration.ofSeconds(60));
            E2eNode.log("API server back to converged on its state: " + (System.nanoTime() - back) / 1_000_000 + " ms");
            second.awaitHealthy(Duration.ofSeconds(30));
        }
    }

    @Test
    @DisplayName("after a node reboot the agent reaches an API server that is only reachable through a Service, programmed from its snapshot")
    void reachesTheApiServerThroughAServiceFromTheSnapshot() throws Exception {
        try (E2eNode node = E2eNode.create(getClass().getSimpleName())) {
            Traffic traffic = new Traffic(node.tb, true);
            // The API server behind a Service, as "kubernetes" in "default" is: its endpoint is pod echo-c.
            node.api.serveInPod(node.c, 6443);
            String apiVip = node.nextVip();
            node.apply(service("api", apiVip, port("https", "TCP", 443, 6443)));
            node.apply(slice("api", "api-1", List.of(slicePort("https", "TCP", 6443)), List.of(node.c)));
            String vip = programAndReboot(node, traffic);
            // While the node was down the Service moved to echo-c.
            node.apply(slice("reboot", "reboot-1", List.of(slicePort("http", "TCP", E2eNode.ECHO)), List.of(node.c)));

            // The agent's only way to the API server is the Service, which only the snapshot can program:
            // its own connections go through socket LB (it runs in the cgroup).
            Path kubeconfig = node.api.kubeconfig("http://" + apiVip + ":443");
            Path log = node.logDir.resolve(node.tb.prefix() + "-agent-via-service.log");
            long start = System.nanoTime();
            AgentProcess second = AgentProcess.launch(node.tb, new AgentProcess.Settings(
                    List.of("--kubeconfig", kubeconfig.toString()), true, AgentProcess.defaultBpffsRoot(node.tb), log,
                    List.of()), true);
            second.awaitHealthy(Duration.ofSeconds(120));
            E2eNode.log("agent start to healthy, its API server reached through a Service programmed from the snapshot: "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
            String text = Files.readString(log);
            assertTrue(text.contains("programming the snapshot") && text.contains("initial sync complete"), second.logTail(40));
            traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, AFTER, 12, Duration.ofSeconds(30));
        }
    }

    @Test
    @DisplayName("after a node reboot a truncated snapshot is ignored with a log line and nothing is programmed before the API server answers")
    void aTruncatedSnapshotIsIgnored() throws Exception {
        try (E2eNode node = E2eNode.create(getClass().getSimpleName())) {
            Traffic traffic = new Traffic(node.tb, true);
            String vip = programAndReboot(node, traffic);
            Path snapshot = AgentProcess.stateDir(node.tb).resolve("inputs.snapshot");
            byte[] bytes = Files.readAllBytes(snapshot);
            Files.write(snapshot, Arrays.copyOf(bytes, bytes.length / 2));

            AgentProcess second = node.launchAgent(true);
            Poll.until(Duration.ofSeconds(60), () -> log(second).contains("ignoring snapshot"),
                    () -> "the log line of the ignored snapshot\n" + second.logTail(40));
            String line = log(second).lines().filter(l -> l.contains("ignoring snapshot")).findFirst().orElseThrow();
            assertTrue(line.contains("WARN") && line.contains("truncated"), line);
            Poll.until(Duration.ofSeconds(60), () -> log(second).contains("restored from pinned maps"), () -> second.logTail(40));
            // nothing of it was programmed: the pinned maps stay empty while the API server is down
            Exec.Result listing = second.lbList("-o", "json");
            assertTrue(listing.ok() && !listing.stdout().contains(vip), "programmed from a truncated snapshot: " + listing);
            assertEquals(503, second.healthz().status());

            node.api.reconnect();
            second.awaitHealthy(Duration.ofSeconds(60));
            traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, BEFORE);
        }
    }

    /**
     * Programs a Service on echo-a and echo-b, stops the agent (SIGTERM: its snapshot written), then
     * "reboots": pins and attachments removed, the API server unreachable from the node.
     *
     * @return the Service's VIP (port 80)
     */
    private static String programAndReboot(E2eNode node, Traffic traffic) throws IOException, InterruptedException {
        AgentProcess first = node.startAgent(true);
        String vip = node.nextVip();
        node.apply(service("reboot", vip, port("http", "TCP", 80, E2eNode.ECHO)));
        node.apply(slice("reboot", "reboot-1", List.of(slicePort("http", "TCP", E2eNode.ECHO)), List.of(node.a, node.b)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, BEFORE);
        assertEquals(0, first.stop(), "agent exit code after SIGTERM\n" + first.logTail(30));
        assertTrue(Files.isRegularFile(AgentProcess.stateDir(node.tb).resolve("inputs.snapshot")),
                "no snapshot after the agent stopped\n" + first.logTail(30));

        Exec.Result cleanup = first.cleanup();
        assertTrue(cleanup.ok(), "senda cleanup: " + cleanup);
        assertFalse(Files.exists(first.settings().bpffsRoot()), "pins left after the \"reboot\"");
        traffic.awaitFailure(Proto.TCP, node.client, vip, 80, e -> true, Duration.ofSeconds(10));
        node.api.disconnect();
        return vip;
    }

    private static String log(AgentProcess agent) {
        try {
            return Files.readString(agent.settings().logFile());
        } catch (IOException e) {
            return "";
        }
    }
}
