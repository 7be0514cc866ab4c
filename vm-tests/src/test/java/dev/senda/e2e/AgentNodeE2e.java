package dev.senda.e2e;

import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One testbed node with the real agent, shared by every scenario of a class: started once, each
 * scenario's objects deleted after it, the node removed at the end (also when starting failed).
 * Subclasses choose the datapath: socket LB (clients inside the cgroup) or per-packet LB
 * ({@code --socket-lb=false}, clients outside it).
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AgentNodeE2e {
    static final Duration CONVERGE = Duration.ofSeconds(20);

    E2eNode node;
    Traffic traffic;

    /** Whether the agent runs socket LB (and clients start inside its cgroup) or per-packet LB. */
    abstract boolean socketLb();

    @BeforeAll
    void startNode() throws IOException {
        node = E2eNode.create(getClass().getSimpleName());
        try {
            node.startAgent(socketLb());
        } catch (IOException | RuntimeException e) {
            try {
                node.close();
            } catch (RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        traffic = new Traffic(node.tb, socketLb());
    }

    @AfterEach
    void deleteObjects() {
        if (node != null) node.deleteAll();
    }

    @AfterAll
    void stopNode() {
        if (node != null) node.close();
    }

    /** The echo servers' ports as an EndpointSlice names them: "http" (TCP) and "udp", both 8080. */
    static List<EndpointPort> echoPorts() {
        return List.of(slicePort("http", "TCP", E2eNode.ECHO), slicePort("udp", "UDP", E2eNode.ECHO));
    }

    /**
     * A client loop from {@code node.client2} hits {@code vip}:80 over TCP (bounded: 20,000 requests or
     * 120 s) while {@code apply} moves the Service's endpoints through {@code steps}; after each step the
     * VIP must be served by exactly that step's pods and the loop must have run on for 50 requests (or
     * 10 s). No request of the loop may fail.
     */
    void assertServedWhileEndpointsChange(String vip, List<List<Pod>> steps, Consumer<List<Pod>> apply)
            throws Exception {
        List<ClientResult> loop = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Thread clientLoop = Thread.ofPlatform().name("churn-client").start(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (int i = 0; i < 20_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                try {
                    loop.add(traffic.one(Proto.TCP, node.client2, vip, 80));
                } catch (IOException e) {
                    loop.add(ClientResult.failure("client could not start: " + e, 0));
                }
            }
        });
        try {
            for (List<Pod> step : steps) {
                int before = loop.size();
                apply.accept(step);
                traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(step.toArray(Pod[]::new)));
                // let the loop run through each state for a while (bounded) before the next change
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (loop.size() < before + 50 && clientLoop.isAlive() && System.nanoTime() < until) Traffic.sleep(10);
            }
        } finally {
            stop.set(true);
            clientLoop.join(Duration.ofSeconds(30));
        }
        List<ClientResult> failures;
        synchronized (loop) {
            failures = loop.stream().filter(r -> !r.ok()).toList();
        }
        E2eNode.log("client loop to " + vip + " during endpoint changes: " + loop.size() + " requests, "
                + failures.size() + " failed");
        assertTrue(loop.size() >= steps.size() * 50, "the client loop made only " + loop.size() + " requests");
        assertTrue(failures.isEmpty(), failures.size() + " of " + loop.size()
                + " requests failed while endpoints changed, e.g. " + failures.subList(0, Math.min(3, failures.size())));
    }

    static Set<String> names(Pod... pods) {
        Set<String> s = new TreeSet<>();
        for (Pod p : pods) s.add(p.name());
        return s;
    }
}
