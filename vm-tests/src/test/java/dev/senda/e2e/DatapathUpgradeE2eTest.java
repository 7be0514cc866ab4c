package dev.senda.e2e;

import dev.senda.maps.DatapathVariants;
import dev.senda.maps.libbpf.BpfLink;
import dev.senda.test.Poll;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.NetnsHttp;
import dev.senda.testbed.Testbed.Proto;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.service;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upgrades and downgrades of the datapath under continuous traffic, per-packet LB only (every packet
 * through tc and its conntrack, which is what a layout change endangers): {@value AgentRestartUnderLoadE2e#STREAMS}
 * long-lived TCP connections, a loop of new TCP connections and a loop of UDP requests
 * ({@link ContinuousTraffic}) run through a Service with three backends for the whole test. Each agent
 * ends as a rolling update ends it (SIGTERM) and the next one starts on the same pins.
 *
 * <p>The "next version" is {@link DatapathVariants#nextLayoutTc}: the shipped tc program built with one
 * more conntrack field ({@code senda_ct4_v3}, 32-byte values), offered through {@code --bpf-object-dir}.
 * Printed: conntrack entries migrated, the time the agent took to swap every hook, what the traffic did.
 */
@Tag("privileged")
class DatapathUpgradeE2eTest {
    private static final Set<String> ALL = Set.of("echo-a", "echo-b", "echo-c");
    private static final int STREAMS = 4;
    private static final ContinuousTraffic.Mark MIN_PROGRESS = new ContinuousTraffic.Mark(30, 30, STREAMS * 10);
    private static final Duration PROGRESS_BOUND = Duration.ofSeconds(30);
    private static final Pattern MIGRATED = Pattern.compile(
            "migrated (senda_ct4_v\\d) -> (senda_ct4_v\\d) \\((upgrade|downgrade)\\): (\\d+) entries before the swap, (\\d+) after");
    private static final Pattern IN_PLACE = Pattern.compile("datapath in place: .* in (\\d+) ms");

    @TempDir
    Path tmp;

    @Test
    @DisplayName("Upgrade to a conntrack layout change and downgrade back under continuous traffic lose no connection")
    void upgradeAndDowngradeAcrossALayoutChange() throws Exception {
        Path next = Files.createDirectory(tmp.resolve("next"));
        DatapathVariants.nextLayoutTc(next);
        try (E2eNode node = E2eNode.create(getClass().getSimpleName() + "Layout")) {
            try (ContinuousTraffic load = startTraffic(node)) {
                Path root = node.agent().settings().bpffsRoot();
                Map<String, Integer> v2Programs = linkPrograms(root);
                assertTrue(Files.exists(root.resolve("senda_ct4_v2")));

                AgentProcess upgraded = replaceAgent(node, load, List.of("--bpf-object-dir", next.toString()), "upgrade");
                assertTrue(Files.exists(root.resolve(DatapathVariants.NEXT_CT4_MAP)), "the next layout's map is pinned");
                assertFalse(Files.exists(root.resolve("senda_ct4_v2")), "the old layout's pin is gone after the migration");
                Map<String, Integer> v3Programs = linkPrograms(root);
                assertEquals(v2Programs.keySet(), v3Programs.keySet(), "the same links, updated in place");
                for (String pin : v2Programs.keySet()) {
                    assertNotEquals(v2Programs.get(pin), v3Programs.get(pin), pin + " runs the next version's program");
                }
                int up = migrated(upgraded, "senda_ct4_v2", "senda_ct4_v3", "upgrade");
                assertTrue(up > 0, "the flows' conntrack entries were carried over\n" + upgraded.logTail(40));

                AgentProcess downgraded = replaceAgent(node, load, List.of(), "downgrade");
                assertTrue(Files.exists(root.resolve("senda_ct4_v2")));
                assertFalse(Files.exists(root.resolve(DatapathVariants.NEXT_CT4_MAP)), "the newer pin is gone after the downgrade");
                int down = migrated(downgraded, "senda_ct4_v3", "senda_ct4_v2", "downgrade");
                assertTrue(down > 0, downgraded.logTail(40));

                load.close();
                E2eNode.log("layout change: in all " + load.mark() + "; " + load.summary() + "; served by " + load.servedBy());
                assertTrue(load.failures().isEmpty(), "traffic failed across upgrade and downgrade: " + load.summary());
                assertEquals(0, load.brokenStreams(), "broken streams: " + load.summary());
                assertEquals(ALL, load.servedBy());
            }
        }
    }

    @Test
    @DisplayName("A datapath the verifier rejects leaves the running one in place and says why in the log, the metrics and /healthz")
    void aRejectedDatapathLeavesTheRunningOneInPlace() throws Exception {
        Path broken = Files.createDirectory(tmp.resolve("broken"));
        DatapathVariants.rejectedTc(broken);
        try (E2eNode node = E2eNode.create(getClass().getSimpleName() + "Rejected")) {
            try (ContinuousTraffic load = startTraffic(node)) {
                Path root = node.agent().settings().bpffsRoot();
                Map<String, Integer> before = linkPrograms(root);
                assertEquals(0, node.agent().stop());
                ContinuousTraffic.Mark atStop = load.mark();

                AgentProcess rejected = node.launchAgent(false, List.of("--bpf-object-dir", broken.toString()));
                NetnsHttp.Response health = Poll.result(E2eNode.AGENT_READY, Duration.ofMillis(200), () -> {
                    try {
                        return rejected.healthz();
                    } catch (IOException e) {
                        return null; // not listening yet
                    }
                }, r -> r != null && r.body().contains("\"datapath\""),
                        r -> "/healthz of the agent offered a rejected datapath: " + (r == null ? "no answer" : r.body())
                                + "\n" + rejected.logTail(30));
                assertEquals(503, health.status(), health.body());
                assertTrue(health.body().contains("\"object\": \"senda_tc.o\"") && health.body().contains("outside of the packet"),
                        health.body());
                String metrics = rejected.metrics();
                assertTrue(metrics.contains("senda_datapath_load_failures_total{object=\"senda_tc.o\"} 1.0"), metrics);
                // the whole log, not its tail
                Poll.until(Duration.ofSeconds(10), () -> rejected.logLines().stream()
                        .anyMatch(l -> l.contains("datapath not replaced: senda_tc.o")), () -> "no log line\n" + rejected.logTail(40));
                String line = rejected.logLines().stream().filter(l -> l.contains("datapath not replaced"))
                        .findFirst().orElseThrow();
                assertTrue(line.contains("invalid access to packet"), line);
                assertTrue(rejected.isAlive(), "the agent stays up to report it");

                load.awaitProgress(atStop, MIN_PROGRESS, PROGRESS_BOUND, "traffic while the rejected agent runs");
                assertEquals(before, linkPrograms(root), "every link still runs the programs it ran before");
                E2eNode.log("rejected datapath: " + line + "; while it ran: " + load.mark().minus(atStop) + "; " + load.summary());
                assertEquals(0, rejected.stop());
                // one ERROR line for one event: the source it closed, under its informers' first lists, stays quiet
                List<String> errors = rejected.logLines().stream().filter(l -> l.contains(" ERROR ")).toList();
                assertEquals(1, errors.size(), "error lines of the agent that refused the datapath:\n"
                        + String.join("\n", errors));

                node.startAgent(false);
                assertEquals(before, linkPrograms(root), "the good version again: identical programs, nothing swapped");
                load.close();
                assertTrue(load.failures().isEmpty(), load.summary());
                assertEquals(0, load.brokenStreams(), load.summary());
            }
        }
    }

    /** A Service with three backends, the agent, and the traffic running through it. */
    private static ContinuousTraffic startTraffic(E2eNode node) throws IOException {
        Traffic traffic = new Traffic(node.tb, false);
        node.startAgent(false);
        String vip = node.nextVip();
        node.apply(service("upgrade", vip, port("http", "TCP", 80, E2eNode.ECHO), port("dns", "UDP", 53, E2eNode.ECHO),
                port("stream", "TCP", 90, E2eNode.STREAM)));
        node.apply(slice("upgrade", "upgrade-1", List.of(slicePort("http", "TCP", E2eNode.ECHO),
                        slicePort("dns", "UDP", E2eNode.ECHO), slicePort("stream", "TCP", E2eNode.STREAM)),
                List.of(node.a, node.b, node.c)));
        traffic.awaitServedBy(Proto.TCP, node.client2, vip, 80, ALL);
        traffic.awaitServedBy(Proto.UDP, node.client, vip, 53, ALL);
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 90, ALL);
        ContinuousTraffic load = ContinuousTraffic.start(node, traffic, vip, 80, 53, 90, STREAMS, node.client, node.client2);
        load.awaitProgress(new ContinuousTraffic.Mark(0, 0, 0), MIN_PROGRESS, PROGRESS_BOUND, "traffic before any change");
        return load;
    }

    /** SIGTERM of the running agent, then a new one with {@code args}, healthy; the traffic must go on. */
    private static AgentProcess replaceAgent(E2eNode node, ContinuousTraffic load, List<String> args, String what)
            throws IOException {
        assertEquals(0, node.agent().stop());
        Instant gone = Instant.now();
        ContinuousTraffic.Mark atGone = load.mark();
        AgentProcess next = node.startAgent(false, args);
        ContinuousTraffic.Mark atHealthy = load.mark();
        load.awaitProgress(atHealthy, MIN_PROGRESS, PROGRESS_BOUND, "traffic after the " + what);
        Matcher m = IN_PLACE.matcher(next.logTail(400));
        String swap = m.find() ? m.group(1) + " ms" : "(no line)";
        E2eNode.log(String.format("%s: agent replaced in %d ms; hooks swapped and maps migrated in %s; meanwhile %s; %s",
                what, Duration.between(gone, Instant.now()).toMillis(), swap, atHealthy.minus(atGone), load.summary()));
        assertTrue(load.failures().isEmpty(), "traffic failed across the " + what + ": " + load.summary());
        assertEquals(0, load.brokenStreams(), "broken streams after the " + what + ": " + load.summary());
        return next;
    }

    /** Entries the agent's log says it carried from {@code from} to {@code to}, both passes. */
    private static int migrated(AgentProcess agent, String from, String to, String direction) {
        Matcher m = MIGRATED.matcher(agent.logTail(400));
        while (m.find()) {
            if (m.group(1).equals(from) && m.group(2).equals(to) && m.group(3).equals(direction)) {
                int before = Integer.parseInt(m.group(4));
                int after = Integer.parseInt(m.group(5));
                E2eNode.log(direction + ": " + from + " -> " + to + ": " + before + " conntrack entries before the swap, "
                        + after + " after");
                return before + after;
            }
        }
        throw new AssertionError("no migration " + from + " -> " + to + " in the log\n" + agent.logTail(40));
    }

    /** Every pinned link under the root and the kernel id of the program it runs. */
    private static Map<String, Integer> linkPrograms(Path root) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        try (Stream<Path> pins = Files.list(root.resolve("links"))) {
            for (Path pin : pins.toList()) {
                try (BpfLink link = BpfLink.openPinned(pin)) {
                    out.put(pin.getFileName().toString(), link.programId());
                }
            }
        }
        return out;
    }
}
