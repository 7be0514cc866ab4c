package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static dev.senda.e2e.AgentNodeE2e.CONVERGE;
import static dev.senda.e2e.AgentNodeE2e.echoPorts;
import static dev.senda.e2e.AgentNodeE2e.names;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Topology-aware routing on the two-node cluster (node-1 in zone-a, node-2 in zone-b): a Service
 * with {@code trafficDistribution: PreferClose} whose EndpointSlices carry zone hints, as the
 * EndpointSlice controller writes them (the mock API server runs no controller, so the test writes
 * the hints). Subclasses choose the datapath.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TrafficDistributionE2e {
    /** Requests per client, family and protocol that must all stay in the client's zone. */
    private static final int REQUESTS = 20;

    E2eCluster c;

    /** Whether the agents run socket LB (clients start inside the node's cgroup) or per-packet LB. */
    abstract boolean socketLb();

    @BeforeAll
    void startCluster() throws IOException {
        c = E2eCluster.create(getClass().getSimpleName());
        try {
            c.startAgents(socketLb());
        } catch (IOException | RuntimeException e) {
            try {
                c.close();
            } catch (RuntimeException x) {
                e.addSuppressed(x);
            }
            throw e;
        }
    }

    @AfterEach
    void deleteObjects() {
        if (c != null) c.deleteAll();
    }

    @AfterAll
    void stopCluster() {
        if (c != null) c.close();
    }

    @Test
    @DisplayName("should route traffic to an endpoint that is close to the client")
    void shouldRouteTrafficToAnEndpointThatIsCloseToTheClient() throws IOException {
        String vip4 = c.nextVip(IpFamily.IPV4);
        String vip6 = c.nextVip(IpFamily.IPV6);
        c.apply(KubeObjects.withTrafficDistribution(KubeObjects.dualStackService("close", vip4, vip6,
                port("http", "TCP", 80, E2eNode.ECHO), port("udp", "UDP", 80, E2eNode.ECHO)), "PreferClose"));
        // one endpoint per node (so per zone)
        List<Pod> backends = List.of(c.echo1a, c.echo2a);
        Map<Pod, Pod> closest = Map.of(c.client1, c.echo1a, c.client2, c.echo2a);

        // Without hints, each client reaches both endpoints: what follows is topology's doing.
        EndpointSlice v4 = slice(IpFamily.IPV4, "close", "close-v4", echoPorts(), backends);
        EndpointSlice v6 = slice(IpFamily.IPV6, "close", "close-v6", echoPorts(), backends);
        c.apply(v4);
        c.apply(v6);
        List<Pod> clients = List.of(c.client1, c.client2);
        for (Pod client : clients) {
            new Traffic(c.cluster.nodeOf(client), socketLb()).awaitServedBy(Proto.TCP, client, vip4, 80,
                    names(c.echo1a, c.echo2a));
        }

        // The controller's hints: each endpoint for its own node's zone.
        c.apply(KubeObjects.withZoneHints(v4, this::zoneOfNode));
        c.apply(KubeObjects.withZoneHints(v6, this::zoneOfNode));
        for (Pod client : clients) {
            Pod expected = closest.get(client);
            // the client's own node translates the VIP: in its cgroup (socket LB) or at its interface
            Traffic traffic = new Traffic(c.cluster.nodeOf(client), socketLb());
            for (String vip : List.of(vip4, vip6)) {
                for (Proto proto : Proto.values()) {
                    // converged once a batch went to the close endpoint only (24 requests: a chance of 2^-24
                    // with both endpoints programmed); from then on every request must go there
                    traffic.awaitServedBy(proto, client, vip, 80, names(expected), 24, CONVERGE);
                    Traffic.Tally t = traffic.tally(proto, client, vip, 80, REQUESTS);
                    assertEquals(List.of(), t.failures(), proto + " " + client.name() + " -> " + vip + ": " + t);
                    for (ClientResult r : t.results()) {
                        assertEquals(expected.name() + " " + client.ip(KubeObjects.family(vip)) + " " + E2eNode.ECHO,
                                r.answer(), proto + " " + client.name() + " (" + zoneOfNode(client.nodeName()) + ") -> "
                                        + vip + ": answered by the endpoint in its zone, without NAT; " + t);
                    }
                }
            }
        }
    }

    private String zoneOfNode(String nodeName) {
        Testbed node = c.cluster.node(nodeName);
        return c.zone(node);
    }
}
