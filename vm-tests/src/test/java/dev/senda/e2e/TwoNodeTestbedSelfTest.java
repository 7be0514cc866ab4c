package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.Cgroup2;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Cluster;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static dev.senda.e2e.AgentNodeE2e.echoPorts;
import static dev.senda.e2e.AgentNodeE2e.names;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two-node testbed: first without Senda (pods on different nodes talk across the node network in
 * both families and transports, the external client reaches both nodes and a pod on node 1, the
 * LoadBalancer range is routed through node 1), then with one agent per node serving one ClusterIP
 * Service from pods on both nodes (socket LB); nothing is left behind either way.
 */
@Tag("privileged")
class TwoNodeTestbedSelfTest {
    private static final Duration T = Duration.ofSeconds(3);
    /** An echo server on each node namespace itself (not a pod): proves the node address is reachable. */
    private static final int NODE_ECHO = 9000;

    @Test
    void podsOnTwoNodesAndTheExternalClientTalkAcrossTheNodeNetwork() throws Exception {
        E2eCluster c = E2eCluster.create("TwoNodeTestbedSelfTest-network");
        String prefix = c.cluster.prefix();
        Path cgroup = c.node1.cgroupDir();
        try (c) {
            Cluster cl = c.cluster;
            assertNotEquals(c.node1.podCidr(), c.node2.podCidr(), "each node has its own pod ranges");
            assertNotEquals(c.node1.podCidr6(), c.node2.podCidr6());
            assertNotEquals(c.node1.cgroupDir(), c.node2.cgroupDir());
            assertNotEquals(c.node1.bpffsRoot(), c.node2.bpffsRoot());
            assertEquals(E2eCluster.NODE2, c.echo2a.nodeName());
            for (String netns : List.of(cl.netNetns(), cl.externalNetns(), c.node1.nodeNetns(), c.node2.nodeNetns())) {
                assertEquals("", Exec.check("ip", "-n", netns, "-6", "addr", "show", "tentative").stdout().strip(),
                        "tentative IPv6 addresses in " + netns);
            }

            // pod on one node -> pod on the other, both ways, both families, TCP and UDP, no NAT on the way
            for (IpFamily f : IpFamily.values()) {
                for (Proto proto : Proto.values()) {
                    for (Pod[] pair : new Pod[][]{{c.client1, c.echo2a}, {c.client2, c.echo1b}, {c.echo1a, c.echo2b}}) {
                        Pod from = pair[0];
                        Pod to = pair[1];
                        ClientResult r = cl.request(proto, from, to.ip(f), E2eNode.ECHO, false, T);
                        assertEquals(to.name() + " " + from.ip(f) + " " + E2eNode.ECHO, r.answer(),
                                proto + " " + from.name() + "@" + from.nodeName() + " -> " + to.name() + "@" + to.nodeName() + ": " + r);
                    }
                }
            }

            // the external client -> each node's address on the node network (a server in the node namespace)
            for (Testbed node : cl.nodes()) {
                node.startEchoServer(cl.nodeHost(node), Proto.TCP, NODE_ECHO);
                node.startEchoServer(cl.nodeHost(node), Proto.UDP, NODE_ECHO);
            }
            for (IpFamily f : IpFamily.values()) {
                for (Testbed node : cl.nodes()) {
                    for (Proto proto : Proto.values()) {
                        ClientResult r = cl.request(proto, c.external, cl.nodeAddress(node, f), NODE_ECHO, false, T);
                        assertEquals(node.nodeName() + " " + c.external.ip(f) + " " + NODE_ECHO, r.answer(),
                                proto + " external -> " + node.nodeName() + " " + f + ": " + r);
                    }
                }
                // the external client -> a pod on node 1, routed through node 1 (a flat, natively routed pod
                // network); the pod sees the client's own address
                String via = Exec.check("ip", "-n", cl.externalNetns(), "route", "get", c.echo1a.ip(f)).stdout();
                assertTrue(via.contains("via " + cl.nodeAddress(c.node1, f) + " "), "route to a node-1 pod: " + via);
                for (Proto proto : Proto.values()) {
                    ClientResult r = cl.request(proto, c.external, c.echo1a.ip(f), E2eNode.ECHO, false, T);
                    assertEquals("echo-1a " + c.external.ip(f) + " " + E2eNode.ECHO, r.answer(), proto + " external -> echo-1a: " + r);
                }
                // LoadBalancer and external IPs go to node 1, as an L2/BGP announcer would have it
                String lb = Exec.check("ip", "-n", cl.externalNetns(), "route", "get", cl.network().loadBalancer(f, 7)).stdout();
                assertTrue(lb.contains("via " + cl.nodeAddress(c.node1, f) + " "), "route to the LoadBalancer range: " + lb);
            }
        }
        assertNothingLeft(prefix, cgroup);
    }

    /**
     * Both datapaths: socket LB translates in the client's node at connect(); per-packet LB DNATs at the
     * client pod's interface, and the reply of the backend on the other node, which reaches the node
     * through its network device, is reverse-NATed at egress of the client pod's interface.
     */
    @ParameterizedTest(name = "socket LB: {0}")
    @ValueSource(booleans = {true, false})
    void twoAgentsRunSideBySideAndServeAClusterIpServiceFromPodsOnBothNodes(boolean socketLb) throws Exception {
        E2eCluster c = E2eCluster.create("TwoNodeTestbedSelfTest-agents-" + (socketLb ? "sock" : "pkt"));
        String prefix = c.cluster.prefix();
        Path cgroup = c.node1.cgroupDir();
        try (c) {
            // the Node objects are there for the agents to read
            List<Node> nodes = c.kube().nodes().list().getItems();
            assertEquals(2, nodes.size(), "Node objects: " + nodes);
            for (Testbed node : c.cluster.nodes()) {
                Node n = c.kube().nodes().withName(node.nodeName()).get();
                assertEquals(List.of(c.cluster.nodeAddress(node, IpFamily.IPV4), c.cluster.nodeAddress(node, IpFamily.IPV6)),
                        NodeObjects.internalIps(n));
                assertEquals(c.zone(node), n.getMetadata().getLabels().get(NodeObjects.ZONE_LABEL));
            }

            List<AgentProcess> agents = c.startAgents(socketLb);
            assertEquals(2, agents.size());
            for (Testbed node : c.cluster.nodes()) {
                AgentProcess a = c.agent(node);
                assertTrue(a.isAlive(), a.toString());
                assertEquals(200, a.healthz().status(), node.nodeName() + " /healthz");
            }

            String vip4 = c.nextVip(IpFamily.IPV4);
            String vip6 = c.nextVip(IpFamily.IPV6);
            c.apply(KubeObjects.dualStackService("across", vip4, vip6,
                    port("http", "TCP", 80, E2eNode.ECHO), port("udp", "UDP", 80, E2eNode.ECHO)));
            List<Pod> backends = List.of(c.echo1a, c.echo2a);
            EndpointSlice v4 = slice(IpFamily.IPV4, "across", "across-v4", echoPorts(), backends);
            assertEquals(List.of(E2eCluster.NODE1, E2eCluster.NODE2),
                    v4.getEndpoints().stream().map(e -> e.getNodeName()).toList(), "each endpoint names its pod's node");
            c.apply(v4);
            c.apply(slice(IpFamily.IPV6, "across", "across-v6", echoPorts(), backends));

            Set<String> both = names(c.echo1a, c.echo2a);
            for (Pod client : List.of(c.client1, c.client2)) {
                // the client's own node translates the VIP: in its cgroup (socket LB) or at its interface
                Traffic traffic = new Traffic(c.cluster.nodeOf(client), socketLb);
                for (String vip : List.of(vip4, vip6)) {
                    for (Proto proto : Proto.values()) {
                        Traffic.Tally t = traffic.awaitServedBy(proto, client, vip, 80, both);
                        t.successes().forEach(r -> assertTrue(r.answer().endsWith(" " + client.ip(KubeObjects.family(vip)) + " " + E2eNode.ECHO),
                                "the backend sees the client's own address: " + r));
                    }
                }
            }
            for (Testbed node : c.cluster.nodes()) {
                assertEquals(200, c.agent(node).healthz().status(), node.nodeName() + " /healthz after serving");
            }
        }
        assertNothingLeft(prefix, cgroup);
    }

    /**
     * A run killed with its cluster standing (simulated: its marker names a dead owner) is swept by
     * the next testbed build: every namespace of the prefix, both nodes' cgroups under the run's
     * cgroup, and the per-node pin roots.
     */
    @Test
    void whatAKilledClusterRunLeftIsSweptByTheNextRun() throws Exception {
        Privileged.requireRoot();
        Cluster cl = Cluster.builder().node("node-1", "p1").node("node-2", "p2")
                .logDir(Privileged.logDir("TwoNodeTestbedSelfTest-sweep")).build();
        String prefix = cl.prefix();
        Path cgroup = cl.node("node-1").cgroupDir();
        try (cl) {
            for (Testbed node : cl.nodes()) Files.createDirectories(node.bpffsRoot()); // as agents would have
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            Files.writeString(Path.of("/run/senda-testbed", prefix), gone.pid() + " ?\n");
            try (Testbed next = Testbed.builder().pods("x").logDir(Privileged.logDir("TwoNodeTestbedSelfTest-sweep")).build()) {
                assertNotEquals(prefix, next.prefix());
            }
            assertNothingLeft(prefix, cgroup);
        } // closing the swept cluster finds nothing left to remove, and does not fail
        assertNothingLeft(prefix, cgroup);
    }

    private static void assertNothingLeft(String prefix, Path nodeCgroup) throws IOException {
        String netns = Exec.check("ip", "netns", "list").stdout();
        assertFalse(netns.contains(prefix), "namespaces left: " + netns);
        assertFalse(Files.exists(nodeCgroup), "node cgroup left: " + nodeCgroup);
        assertFalse(Files.exists(Cgroup2.mountPoint().resolve(prefix)), "cluster cgroup left");
        assertFalse(Files.exists(Path.of("/sys/fs/bpf", prefix)), "pins left under /sys/fs/bpf/" + prefix);
        assertFalse(Files.exists(Path.of("/run/senda-testbed", prefix)), "run marker left");
    }
}
