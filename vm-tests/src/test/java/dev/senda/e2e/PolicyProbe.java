package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.Testbed.Proto;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

import static dev.senda.e2e.AgentNodeE2e.CONVERGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests across a two-node {@link E2eCluster} for the traffic-policy scenarios: answers awaited and
 * then repeated (which backend, which client address it saw), failures of a given kind (a drop is a
 * timeout, never a refusal), and the health-check node port as a cloud load balancer probes it.
 *
 * <p>Pods make their requests inside their node's cgroup when the agents run socket LB; the external
 * client never does (no node's socket LB sees it).
 */
final class PolicyProbe {
    private static final Duration T = Traffic.REQUEST_TIMEOUT;

    private final E2eCluster c;
    private final boolean socketLb;

    PolicyProbe(E2eCluster c, boolean socketLb) {
        this.c = c;
        this.socketLb = socketLb;
    }

    /** A request timed out unanswered: the traffic was dropped somewhere (TCP: no SYN-ACK; UDP: no reply). */
    static boolean timedOut(String error) {
        return error.contains("timed out") || error.contains("no UDP answer") || error.contains("no answer within");
    }

    /** connect()/sendto() failed at once with EHOSTUNREACH: socket LB's drop for a node-local frontend. */
    static boolean hostUnreachable(String error) {
        return error.contains("No route to host");
    }

    ClientResult request(Proto proto, Pod from, String ip, int port, Duration timeout) throws IOException {
        return c.cluster.request(proto, from, ip, port, socketLb && !from.equals(c.external), timeout);
    }

    /**
     * Waits (at most {@link AgentNodeE2e#CONVERGE}) until a request from {@code from} to {@code ip:port}
     * is answered by {@code backend} seeing the client address {@code peer} (null: any), then checks
     * that {@code repeat} more requests are answered the same way (no flapping after convergence).
     */
    void awaitServed(Proto proto, Pod from, String ip, int port, Pod backend, String peer, int repeat) throws IOException {
        Predicate<ClientResult> expected = r -> r.ok() && r.pod().equals(Optional.of(backend.name()))
                && (peer == null || r.peer().equals(Optional.of(peer)));
        String what = proto + " " + from.name() + " -> " + IpAddress.parse(ip).orElseThrow().withPort(port)
                + " answered by " + backend.name() + " seeing " + (peer == null ? "any address" : peer);
        ClientResult r = Poll.result(CONVERGE, Duration.ofMillis(100), () -> request(proto, from, ip, port, T), expected,
                last -> what + "; last: " + last);
        E2eNode.log(what + ": " + r.answer());
        for (int i = 0; i < repeat; i++) {
            ClientResult again = request(proto, from, ip, port, T);
            assertTrue(expected.test(again), what + " (request " + (i + 2) + "): " + again);
        }
    }

    /** {@link #awaitServed} with 2 repeats. */
    void awaitServed(Proto proto, Pod from, String ip, int port, Pod backend, String peer) throws IOException {
        awaitServed(proto, from, ip, port, backend, peer, 2);
    }

    /**
     * Waits (at most {@link AgentNodeE2e#CONVERGE}) until a request fails within
     * {@link Traffic#FAILURE_TIMEOUT} with an error {@code kind} accepts, then checks that {@code repeat}
     * more do. A timeout cannot come from a frontend the agent has not programmed yet: the nodes
     * have no route for a Service VIP (an ICMP error comes back at once) and nothing listens on a
     * node port (the node's stack refuses).
     */
    void awaitFailing(Proto proto, Pod from, String ip, int port, Predicate<String> kind, String kindName, int repeat)
            throws IOException {
        String what = proto + " " + from.name() + " -> " + IpAddress.parse(ip).orElseThrow().withPort(port) + " to fail ("
                + kindName + ")";
        Predicate<ClientResult> failed = r -> !r.ok() && kind.test(r.error());
        ClientResult r = Poll.result(CONVERGE, Duration.ofMillis(50),
                () -> request(proto, from, ip, port, Traffic.FAILURE_TIMEOUT), failed, last -> what + "; last: " + last);
        E2eNode.log(what + ": " + r.error());
        for (int i = 0; i < repeat; i++) {
            ClientResult again = request(proto, from, ip, port, Traffic.FAILURE_TIMEOUT);
            assertTrue(failed.test(again), what + " (request " + (i + 2) + "): " + again);
        }
    }

    /** A drop on the way: the request times out (not refused, not answered). */
    void awaitDropped(Proto proto, Pod from, String ip, int port) throws IOException {
        awaitFailing(proto, from, ip, port, PolicyProbe::timedOut, "dropped: a timeout", 0);
    }

    /**
     * What a client on a node that has no endpoint of a node-local frontend sees, {@code 1 + repeat}
     * times: socket LB fails the connect()/sendto() at once with EHOSTUNREACH, per-packet LB drops (a
     * timeout).
     */
    void awaitNoLocalEndpoint(Proto proto, Pod from, String ip, int port, int repeat) throws IOException {
        if (socketLb && !from.equals(c.external)) {
            awaitFailing(proto, from, ip, port, PolicyProbe::hostUnreachable, "EHOSTUNREACH from socket LB", repeat);
        } else {
            awaitFailing(proto, from, ip, port, PolicyProbe::timedOut, "dropped: a timeout", repeat);
        }
    }

    /**
     * "code body" of an HTTP GET {@code /healthz} from the external client to {@code node}'s address of
     * {@code family} on {@code port}; "000 " when nothing answered (refused or timed out).
     */
    String healthCheck(Testbed node, IpFamily family, int port) throws IOException {
        String url = "http://" + IpAddress.parse(c.cluster.nodeAddress(node, family)).orElseThrow().withPort(port) + "/healthz";
        Exec.Result r = Exec.run(Duration.ofSeconds(5), "ip", "netns", "exec", c.external.netns(), "curl", "-sS", "-g",
                "--max-time", "2", "-o", "/dev/stdout", "-w", " %{http_code}", url);
        String out = r.stdout().strip();
        int space = out.lastIndexOf(' ');
        return space < 0 ? "000 " : out.substring(space + 1) + " " + out.substring(0, space).strip();
    }

    /**
     * What a health check answers: its HTTP code and body, as {@link #healthCheck} returns them. Each
     * family's node address answers with that family's local endpoints (kube-proxy runs one health
     * server per family); the scenarios' Services have one local endpoint pod.
     */
    record HealthAnswer(String description, Predicate<String> matches) {
        /** 200, naming Service {@code name} with its one local endpoint. */
        static HealthAnswer healthy(String name) {
            String expected = "200 " + healthBody(name, 1);
            return new HealthAnswer(expected, expected::equals);
        }

        /** 503, naming Service {@code name} with no local endpoint. */
        static HealthAnswer unhealthy(String name) {
            String expected = "503 " + healthBody(name, 0);
            return new HealthAnswer(expected, expected::equals);
        }

        /** Nothing listens: refused (or timed out). */
        static HealthAnswer closed() {
            return new HealthAnswer("no answer (port closed)", "000 "::equals);
        }
    }

    /** Waits until the health check of {@code node} (both families) gives the expected answer. */
    void awaitHealthCheck(Testbed node, int port, HealthAnswer expected) throws IOException {
        for (IpFamily f : IpFamily.values()) {
            Poll.result(CONVERGE, Duration.ofMillis(200), () -> healthCheck(node, f, port), expected.matches(),
                    last -> node.nodeName() + " " + f + " health check node port " + port + " to answer "
                            + expected.description() + "; last: " + last);
        }
        E2eNode.log(node.nodeName() + " health check node port " + port + ": " + expected.description());
    }

    /** kube-proxy's health-check body for Service {@code name} of the test namespace. */
    static String healthBody(String name, int localEndpoints) {
        return "{\"service\": {\"namespace\": \"" + KubeObjects.NAMESPACE + "\",\"name\": \"" + name
                + "\"},\"localEndpoints\": " + localEndpoints + ",\"serviceProxyHealthy\": true}";
    }
}
