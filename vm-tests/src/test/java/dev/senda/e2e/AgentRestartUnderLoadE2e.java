package dev.senda.e2e;

import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.Testbed.Proto;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.service;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent killed (SIGKILL) and stopped (SIGTERM) under continuous traffic, each time restarted on
 * the same pins; subclasses choose the datapath. A Service with three backends carries, for the
 * whole test, {@value #STREAMS} long-lived TCP connections exchanging a line every 50 ms, a loop of new
 * TCP connections and a loop of UDP requests ({@link ContinuousTraffic}). The datapath is pinned
 * (maps and links), so it forwards with no agent at all; the restarted agent finds the pinned maps
 * already right and must write nothing during its first complete sync
 * ({@code senda_map_writes_total} 0 when /healthz first answers 200, which needs that sync).
 * Printed per outage: the time with no agent, what the traffic made meanwhile, the new agent's writes.
 */
@Tag("privileged")
abstract class AgentRestartUnderLoadE2e {
    private static final Set<String> ALL = Set.of("echo-a", "echo-b", "echo-c");
    static final int STREAMS = 4;
    /** Exchanges required while no agent runs (about 1 s of each loop) and again after the new one is healthy. */
    private static final ContinuousTraffic.Mark MIN_PROGRESS = new ContinuousTraffic.Mark(50, 50, STREAMS * 20);
    private static final Duration PROGRESS_BOUND = Duration.ofSeconds(30);

    /** How the running agent ends. */
    private enum Ending {
        SIGKILL(137), SIGTERM(0);

        final int exitCode;

        Ending(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    abstract boolean socketLb();

    @Test
    @DisplayName("SIGKILL and SIGTERM of the agent under continuous traffic lose no connection and no request; the restarted agent writes nothing")
    void agentRestartsUnderContinuousTraffic() throws Exception {
        try (E2eNode node = E2eNode.create(getClass().getSimpleName())) {
            Traffic traffic = new Traffic(node.tb, socketLb());
            node.startAgent(socketLb());
            String vip = node.nextVip();
            node.apply(service("restart", vip, port("http", "TCP", 80, E2eNode.ECHO), port("dns", "UDP", 53, E2eNode.ECHO),
                    port("stream", "TCP", 90, E2eNode.STREAM)));
            node.apply(slice("restart", "restart-1", List.of(slicePort("http", "TCP", E2eNode.ECHO),
                            slicePort("dns", "UDP", E2eNode.ECHO), slicePort("stream", "TCP", E2eNode.STREAM)),
                    List.of(node.a, node.b, node.c)));
            traffic.awaitServedBy(Proto.TCP, node.client2, vip, 80, ALL);
            traffic.awaitServedBy(Proto.UDP, node.client, vip, 53, ALL);
            traffic.awaitServedBy(Proto.TCP, node.client, vip, 90, ALL);

            try (ContinuousTraffic load = ContinuousTraffic.start(node, traffic, vip, 80, 53, 90, STREAMS,
                    node.client, node.client2)) {
                load.awaitProgress(new ContinuousTraffic.Mark(0, 0, 0), MIN_PROGRESS, PROGRESS_BOUND, "traffic before any restart");
                for (Ending ending : Ending.values()) restart(node, load, ending);
                load.close();

                ContinuousTraffic.Mark total = load.mark();
                E2eNode.log(mode() + ": in all " + total + " over " + load.streamCount() + " streams; " + load.summary()
                        + "; served by " + load.servedBy());
                assertTrue(load.failures().isEmpty(), "traffic failed across the restarts: " + load.summary());
                assertEquals(0, load.brokenStreams(), "broken streams: " + load.summary());
                assertEquals(ALL, load.servedBy(), "the traffic did not reach every backend");
            }
        }
    }

    /**
     * Ends the running agent, lets the traffic run with no agent, starts a new agent on the same pins,
     * checks it wrote nothing to become healthy, and lets the traffic run with it.
     */
    private void restart(E2eNode node, ContinuousTraffic load, Ending ending) throws IOException {
        AgentProcess old = node.agent();
        int exit = ending == Ending.SIGKILL ? old.kill() : old.stop();
        Instant gone = Instant.now();
        ContinuousTraffic.Mark atGone = load.mark();
        assertEquals(ending.exitCode, exit, "agent exit code after " + ending + "\n" + old.logTail(30));

        load.awaitProgress(atGone, MIN_PROGRESS, PROGRESS_BOUND, "traffic with no agent after " + ending);
        Instant launched = Instant.now();
        ContinuousTraffic.Mark atLaunch = load.mark();
        AgentProcess next = node.startAgent(socketLb());
        Instant healthy = Instant.now();
        ContinuousTraffic.Mark atHealthy = load.mark();

        // /healthz answers 200 only once the first complete sync is programmed: these are its writes
        String metrics = next.metrics();
        assertTrue(PromText.require(metrics, "senda_sync_total{result=\"success\"}") >= 1, "healthy without a successful sync?\n" + metrics);
        double writes = PromText.require(metrics, "senda_map_writes_total");

        load.awaitProgress(atHealthy, MIN_PROGRESS, PROGRESS_BOUND, "traffic after the restart that followed " + ending);
        E2eNode.log(String.format("%s, %s: no agent for %d ms (%d ms until the new one was launched, %d ms for it to "
                        + "become healthy); while none ran: %s; while the new one started: %s; %s; "
                        + "map writes of the new agent by its first complete sync: %.0f",
                mode(), ending, Duration.between(gone, healthy).toMillis(), Duration.between(gone, launched).toMillis(),
                Duration.between(launched, healthy).toMillis(), atHealthy.minus(atGone), atHealthy.minus(atLaunch),
                load.summary(), writes));
        assertEquals(0, writes, "the agent restarted after " + ending + " wrote to the maps during its first complete sync\n"
                + next.logTail(40));
        assertTrue(load.failures().isEmpty(), "traffic failed across the restart after " + ending + ": " + load.summary());
    }

    private String mode() {
        return socketLb() ? "socket LB" : "per-packet LB";
    }
}
