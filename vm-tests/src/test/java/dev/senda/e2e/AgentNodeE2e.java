package dev.senda.e2e;

import dev.senda.testbed.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.senda.e2e.KubeObjects.slicePort;

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

    static Set<String> names(Pod... pods) {
        Set<String> s = new TreeSet<>();
        for (Pod p : pods) s.add(p.name());
        return s;
    }
}
