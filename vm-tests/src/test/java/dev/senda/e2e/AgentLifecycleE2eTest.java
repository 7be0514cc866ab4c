package dev.senda.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Testbed.Proto;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
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
            String metrics = first.metrics();
            assertTrue(metrics.contains("# TYPE"), "metrics are not Prometheus text:\n" + head(metrics));
            assertTrue(metrics.lines().anyMatch(l -> l.matches("senda_datapath_events_total\\{event=\"sock_translated\"} [1-9].*")),
                    "the datapath's socket-LB translations are not counted:\n" + metrics);

            // the programmed state, decoded for humans and as JSON
            String listing = lbListJson(first, vip, node);
            Exec.Result text = first.lbList();
            assertTrue(text.ok() && text.stdout().contains(vip), "bpf lb list (text) does not show " + vip + ": " + text);

            // SIGTERM: exits cleanly, forwarding continues
            assertEquals(0, first.stop(), "agent exit code after SIGTERM\n" + first.logTail(30));
            Traffic.Tally after = inCgroup.tally(Proto.TCP, node.client, vip, 80, 30);
            assertTrue(after.failures().isEmpty() && after.pods().equals(ALL), "forwarding after SIGTERM: " + after);
            Traffic.Tally udpAfter = inCgroup.tally(Proto.UDP, node.client, vip, 53, 30);
            assertTrue(udpAfter.failures().isEmpty() && udpAfter.pods().equals(ALL), "UDP after SIGTERM: " + udpAfter);

            // restart on the same pins: the maps come back identical, no request fails meanwhile
            AgentProcess second = node.startAgent(true);
            String relisting = lbListJson(second, vip, node);
            assertEquals(new ObjectMapper().readTree(listing), new ObjectMapper().readTree(relisting),
                    "a restart changed the programmed state");
            Traffic.Tally restarted = inCgroup.tally(Proto.TCP, node.client, vip, 80, 30);
            assertTrue(restarted.failures().isEmpty() && restarted.pods().equals(ALL), "after restart: " + restarted);

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

    private static String head(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }
}
