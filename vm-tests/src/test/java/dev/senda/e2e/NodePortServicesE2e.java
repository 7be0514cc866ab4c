package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.Cluster;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.Service;
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
import java.util.List;

import static dev.senda.e2e.AgentNodeE2e.CONVERGE;
import static dev.senda.e2e.AgentNodeE2e.echoPorts;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NodePort Services on the two-node cluster, both agents started with {@code --node-devices eth0}
 * (the node namespaces' link to the node network, {@link Cluster#NODE_DEVICE}); subclasses choose the
 * datapath. Traffic from outside is per-packet LB at ingress of eth0 in both modes (socket LB never
 * sees it); the local backend's replies are reverse-NATed at ingress of its pod interface.
 *
 * <p>With externalTrafficPolicy Cluster, traffic from outside to an endpoint on the other node is
 * source-NATed to the receiving node's address, so the endpoint sees that address and its replies
 * come back through the node that translated the flow.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NodePortServicesE2e extends NodeDevicesClusterE2e {
    private static final Duration T = Traffic.REQUEST_TIMEOUT;

    /** Two node ports no other test of this run uses. */
    private final int nodePort = 30000 + new SecureRandom().nextInt(2700);
    private final int remoteNodePort = nodePort + 1;


    /** A dual-stack NodePort Service (TCP and UDP 80 -> 8080, both on {@link #nodePort}) served by echo-1a on node-1. */
    private Service applyNodePortService(String name) {
        return applyNodePortService(name, nodePort, c.echo1a);
    }

    /** A dual-stack NodePort Service (TCP and UDP 80 -> 8080, both on {@code port}) served by {@code backend}. */
    private Service applyNodePortService(String name, int port, Pod backend) {
        Service svc = c.apply(KubeObjects.withNodePort(KubeObjects.dualStackService(name,
                c.nextVip(IpFamily.IPV4), c.nextVip(IpFamily.IPV6),
                port("http", "TCP", 80, E2eNode.ECHO), port("udp", "UDP", 80, E2eNode.ECHO)), port));
        List<Pod> backends = List.of(backend);
        c.apply(slice(IpFamily.IPV4, name, name + "-v4", echoPorts(), backends));
        c.apply(slice(IpFamily.IPV6, name, name + "-v6", echoPorts(), backends));
        return svc;
    }

    /**
     * Requests until one is answered by {@code backend}, which must see the client's own address
     * {@code clientIp} (no source NAT on the way; null: any address), for at most {@link AgentNodeE2e#CONVERGE}.
     */
    private ClientResult awaitAnswer(Proto proto, Pod from, boolean inCgroup, String ip, Pod backend, String clientIp)
            throws IOException {
        return awaitAnswer(proto, from, inCgroup, ip, nodePort, backend, clientIp);
    }

    private ClientResult awaitAnswer(Proto proto, Pod from, boolean inCgroup, String ip, int nodePort, Pod backend,
                                     String clientIp) throws IOException {
        String expected = backend.name() + " " + (clientIp == null ? "<any>" : clientIp) + " " + E2eNode.ECHO;
        ClientResult r = Poll.result(CONVERGE, Duration.ofMillis(100),
                () -> c.cluster.request(proto, from, ip, nodePort, inCgroup, T),
                x -> x.ok() && (clientIp == null ? x.pod().equals(java.util.Optional.of(backend.name()))
                        : expected.equals(x.answer())),
                last -> proto + " " + from.name() + (inCgroup ? " (in cgroup)" : "") + " -> " + ip + ":" + nodePort
                        + " answered '" + expected + "'; last: " + last);
        E2eNode.log(proto + " " + from.name() + " -> " + ip + ":" + nodePort + ": " + r.answer());
        return r;
    }

    @Test
    @DisplayName("should be able to create a functioning NodePort service")
    void shouldBeAbleToCreateAFunctioningNodePortService() throws IOException {
        applyNodePortService("nodeport-test");
        Pod host = c.cluster.nodeHost(c.node1);
        for (IpFamily f : IpFamily.values()) {
            String nodeIp = c.cluster.nodeAddress(c.node1, f);
            for (Proto proto : Proto.values()) {
                // from outside the cluster: DNAT at ingress of node-1's eth0, replies reverse-NATed at echo-1a's interface
                awaitAnswer(proto, c.external, false, nodeIp, c.echo1a, c.external.ip(f));
                // from a pod on node-1: socket LB at connect(), or per-packet LB at the client pod's interface
                awaitAnswer(proto, c.client1, socketLb(), nodeIp, c.echo1a, c.client1.ip(f));
                // from node-1's host namespace: its processes in the node's cgroup (the agent's --cgroup-root)
                // are socket LB's; per-packet LB sees no packet of theirs (they reach their own address over lo)
                // (the source the host picks toward the pod is its business: any address will do)
                if (socketLb()) awaitAnswer(proto, host, true, nodeIp, c.echo1a, null);
            }
            // every request answered, not only the first after convergence
            for (Proto proto : Proto.values()) {
                for (int i = 0; i < 5; i++) {
                    ClientResult r = c.cluster.request(proto, c.external, nodeIp, nodePort, false, T);
                    assertEquals("echo-1a " + c.external.ip(f) + " " + E2eNode.ECHO, r.answer(), proto + " external: " + r);
                }
            }
        }

        // externalTrafficPolicy Cluster, the endpoint on the other node: node-1 source-NATs the flow to its own
        // address (the endpoint sees that, and answers through node-1, which translates the replies back);
        // node-2, where the endpoint lives, keeps the client's address
        applyNodePortService("nodeport-remote", remoteNodePort, c.echo2a);
        for (IpFamily f : IpFamily.values()) {
            String node1Ip = c.cluster.nodeAddress(c.node1, f);
            String node2Ip = c.cluster.nodeAddress(c.node2, f);
            for (Proto proto : Proto.values()) {
                awaitAnswer(proto, c.external, false, node1Ip, remoteNodePort, c.echo2a, node1Ip);
                awaitAnswer(proto, c.external, false, node2Ip, remoteNodePort, c.echo2a, c.external.ip(f));
                awaitAnswer(proto, c.client1, socketLb(), node1Ip, remoteNodePort, c.echo2a, c.client1.ip(f));
                for (int i = 0; i < 5; i++) {
                    ClientResult r = c.cluster.request(proto, c.external, node1Ip, remoteNodePort, false, T);
                    assertEquals("echo-2a " + node1Ip + " " + E2eNode.ECHO, r.answer(), proto + " external via node-1: " + r);
                }
            }
            assertNatTableHoldsClosedTcpFlows(node1Ip, c.echo2a.ip(f));
        }
    }

    /**
     * node-1's NAT table: the TCP flows just made have both halves, their IN halves (the backend's
     * replies to a NAT port of node-1) marked closing after FIN, so their ports can be taken again.
     */
    private void assertNatTableHoldsClosedTcpFlows(String nodeIp, String backendIp) {
        try (var nat = dev.senda.maps.nat.NatTables.NAT.openPinned(c.node1.bpffsRoot())) {
            var in = nat.entries().entrySet().stream()
                    .filter(e -> e.getKey().dir() == dev.senda.maps.nat.NatDirection.IN
                            && e.getKey().proto() == dev.senda.maps.lb.Protocol.TCP
                            && e.getKey().saddr().toString().equals(backendIp)
                            && e.getKey().daddr().toString().equals(nodeIp))
                    .toList();
            assertTrue(in.size() >= 5, "IN entries of the TCP flows via " + nodeIp + ": " + in);
            for (var e : in) {
                assertTrue(e.getKey().dport() >= 61000, "NAT port in 61000-65535: " + e);
                assertEquals(c.external.ip(dev.senda.e2e.KubeObjects.family(nodeIp)), e.getValue().address().toString(),
                        "the client to restore: " + e);
            }
            // (a first attempt lost while the agent converged may have left an entry without FIN)
            assertTrue(in.stream().filter(e -> (e.getValue().flags() & dev.senda.maps.nat.NatValue.FLAG_CLOSING) != 0)
                    .count() >= 5, "closed flows are marked closing: " + in);
        }
    }

    @Test
    @DisplayName("should release NodePorts on delete")
    void shouldReleaseNodePortsOnDelete() throws IOException {
        Service svc = applyNodePortService("nodeport-release");
        for (IpFamily f : IpFamily.values()) {
            for (Proto proto : Proto.values()) {
                awaitAnswer(proto, c.external, false, c.cluster.nodeAddress(c.node1, f), c.echo1a, c.external.ip(f));
            }
        }
        c.deleteAll();
        assertTrue(c.kube().services().inNamespace(KubeObjects.NAMESPACE).withName(svc.getMetadata().getName()).get() == null,
                "the Service is gone");
        for (IpFamily f : IpFamily.values()) {
            String nodeIp = c.cluster.nodeAddress(c.node1, f);
            for (Proto proto : Proto.values()) {
                ClientResult r = Poll.result(CONVERGE, Duration.ofMillis(100),
                        () -> c.cluster.request(proto, c.external, nodeIp, nodePort, false, Traffic.FAILURE_TIMEOUT),
                        x -> !x.ok(),
                        last -> proto + " external -> " + nodeIp + ":" + nodePort + " to fail after the delete; last: " + last);
                // nothing listens: the node's own stack refuses (a TCP reset, an ICMP port unreachable)
                assertTrue(r.error().contains("Connection refused") || r.error().contains("PortUnreachable"),
                        proto + " " + f + ": " + r);
            }
        }
        for (Testbed node : c.cluster.nodes()) {
            List<String> sockets = listeningOn(node, nodePort);
            assertEquals(List.of(), sockets, "sockets on node port " + nodePort + " in " + node.nodeName());
        }
    }

    /** The lines of {@code ss -lntuH} in the node's namespace whose local port is {@code port}. */
    private static List<String> listeningOn(Testbed node, int port) throws IOException {
        String out = Exec.check("ip", "netns", "exec", node.nodeNetns(), "ss", "-lntuH").stdout();
        return out.lines().filter(l -> {
            String[] f = l.trim().split("\\s+");
            return f.length >= 5 && f[4].endsWith(":" + port);
        }).toList();
    }
}
