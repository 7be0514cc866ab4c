package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.Cluster;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.senda.e2e.AgentNodeE2e.CONVERGE;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UDP cases of upstream's {@code test/e2e/network/conntrack.go} on the two-node cluster, both
 * agents with {@code --node-devices eth0}; subclasses choose the datapath. A client pod on node-1 sends
 * UDP without pause from a fixed source port (12345, as upstream) to a Service whose one server pod is
 * on node-2; the server pod is replaced by a new one with another address (the new pod joins the
 * Service, then the old one leaves it and is deleted), and the client's datagrams must reach the new
 * pod within {@link #MOVE_ON}. The measured time is printed.
 *
 * <p>The client keeps one connected socket (see {@link UdpStreamClient}), so with socket LB the agent
 * has to close it (bpf_sock_destroy) for the client to move on; with per-packet LB the flow's conntrack
 * entry has to stop pointing at the departed pod (the same tuple all along). NodePort traffic goes, as
 * upstream's, to node-2's address: node-1 does not translate it (node-2's address is no frontend of
 * node-1), node-2 does at ingress of its eth0.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConntrackE2e extends NodeDevicesClusterE2e {
    /** The bound: a client reaches a live backend within a second of the endpoint change. */
    static final Duration MOVE_ON = Duration.ofSeconds(1);
    /** upstream's srcPort */
    private static final int SOURCE_PORT = 12345;
    private static final int SERVICE_PORT = 80;

    /** Node ports no other test of this run uses: this one for IPv4, the next for IPv6 (a node port is per Service). */
    private final int nodePort = 30000 + new SecureRandom().nextInt(1350) * 2;
    private final AtomicInteger servers = new AtomicInteger();


    @Test
    @DisplayName("should be able to preserve UDP traffic when server pod cycles for a NodePort service")
    void shouldBeAbleToPreserveUdpTrafficWhenServerPodCyclesForANodePortService() throws IOException {
        for (IpFamily f : IpFamily.values()) serverPodCycles(f, true);
    }

    @Test
    @DisplayName("should be able to preserve UDP traffic when server pod cycles for a ClusterIP service")
    void shouldBeAbleToPreserveUdpTrafficWhenServerPodCyclesForAClusterIpService() throws IOException {
        for (IpFamily f : IpFamily.values()) serverPodCycles(f, false);
    }

    /** A new pod on node-2 with a UDP echo server on {@link E2eNode#ECHO}. */
    private Pod startServerPod() throws IOException {
        Pod p = c.node2.addPod("udp-server-" + servers.incrementAndGet());
        c.node2.startEchoServer(p, Testbed.Proto.UDP, E2eNode.ECHO);
        return p;
    }

    private void serverPodCycles(IpFamily family, boolean nodePortService) throws IOException {
        String name = (nodePortService ? "udp-nodeport-" : "udp-clusterip-") + (family == IpFamily.IPV4 ? "v4" : "v6");
        List<EndpointPort> ports = List.of(slicePort("udp", "UDP", E2eNode.ECHO));
        Pod server1 = startServerPod();
        Pod server2 = null;
        try {
            Service svc = KubeObjects.service(name, c.nextVip(family), port("udp", "UDP", SERVICE_PORT, E2eNode.ECHO));
            int servicePort = nodePort + (family == IpFamily.IPV4 ? 0 : 1);
            if (nodePortService) svc = KubeObjects.withNodePort(svc, servicePort);
            c.apply(svc);
            c.apply(slice(family, name, name, ports, List.of(server1)));
            String ip = nodePortService ? c.cluster.nodeAddress(c.node2, family) : svc.getSpec().getClusterIP();
            int port = nodePortService ? servicePort : SERVICE_PORT;
            String what = "UDP " + c.client1.name() + ":" + SOURCE_PORT + " -> " + ip + ":" + port;

            try (UdpStream stream = UdpStream.start(c.node1, c.client1, socketLb(), ip, port, SOURCE_PORT)) {
                Instant start = Instant.now();
                Poll.until(CONVERGE, () -> stream.firstAnswerFrom(server1, start).isPresent(),
                        () -> what + " answered by " + server1.name() + "; last:\n" + stream.tail(start, 10));

                // the new pod joins, the old one leaves the Service and is deleted
                server2 = startServerPod();
                c.apply(slice(family, name, name, ports, List.of(server1, server2)));
                Instant changed = Instant.now();
                c.apply(slice(family, name, name, ports, List.of(server2)));
                c.node2.removePod(server1.name());

                Pod next = server2;
                Poll.until(CONVERGE, () -> stream.firstAnswerFrom(next, changed).isPresent(),
                        () -> what + " answered by " + next.name() + " after " + server1.name() + " left; last:\n"
                                + stream.tail(changed, 20));
                Duration took = Duration.between(changed, stream.firstAnswerFrom(next, changed).orElseThrow());
                E2eNode.log(what + " (" + (socketLb() ? "socket LB" : "per-packet LB") + "): answered by "
                        + next.name() + " " + took.toMillis() + " ms after " + server1.name() + " left the Service");
                assertTrue(took.compareTo(MOVE_ON) <= 0, what + ": the new pod answered only " + took.toMillis()
                        + " ms after the old one left (bound " + MOVE_ON.toMillis() + " ms):\n" + stream.tail(changed, 30));
            }
        } finally {
            removeQuietly(server1);
            removeQuietly(server2);
        }
    }

    private void removeQuietly(Pod pod) throws IOException {
        if (pod == null) return;
        if (c.node2.pods().stream().anyMatch(p -> p.name().equals(pod.name()))) c.node2.removePod(pod.name());
    }
}
