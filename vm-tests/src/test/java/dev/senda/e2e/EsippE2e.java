package dev.senda.e2e;

import dev.senda.e2e.PolicyProbe.HealthAnswer;
import dev.senda.net.IpFamily;
import dev.senda.testbed.NodeNetworkPlan;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.senda.e2e.PolicyProbe.HealthAnswer.closed;
import static dev.senda.e2e.PolicyProbe.HealthAnswer.healthy;
import static dev.senda.e2e.PolicyProbe.HealthAnswer.unhealthy;
import static dev.senda.e2e.TrafficPolicyObjects.echoService;
import static dev.senda.e2e.TrafficPolicyObjects.externalPolicy;
import static dev.senda.e2e.TrafficPolicyObjects.loadBalancer;
import static dev.senda.e2e.TrafficPolicyObjects.readySlices;

/**
 * externalTrafficPolicy Local, "external source IP preservation" (upstream's {@code LoadBalancers ESIPP}
 * in {@code test/e2e/network/loadbalancer.go}), on the two-node cluster, both families. The cloud load
 * balancer is the external client's route to the LoadBalancer range through node-1 (as an L2/BGP
 * announcer would set it up); its health checks are the external client's HTTP probes of each node's
 * health-check node port. Where upstream tells a preserved source from a masqueraded one by its "10."
 * prefix, the echo servers here name the exact address they saw.
 */
abstract class EsippE2e extends NodeDevicesClusterE2e {
    private final AtomicInteger nextIngress = new AtomicInteger(1);

    /** A fresh ingress IP of each family from the testbed's LoadBalancer range (IPv4 first). */
    private List<String> nextIngressIps() {
        NodeNetworkPlan plan = c.cluster.network();
        int host = nextIngress.getAndIncrement();
        return List.of(plan.loadBalancer(IpFamily.IPV4, host), plan.loadBalancer(IpFamily.IPV6, host));
    }

    private static String ofFamily(List<String> ips, IpFamily family) {
        return ips.stream().filter(ip -> KubeObjects.family(ip) == family).findFirst().orElseThrow();
    }

    /** A dual-stack LoadBalancer Service (TCP and UDP 80, node port, ingress IPs) with externalTrafficPolicy Local. */
    private Service localLoadBalancer(String name, int nodePort, int healthCheckNodePort, List<String> ingressIps) {
        return externalPolicy(loadBalancer(KubeObjects.withNodePort(echoService(c, name), nodePort), ingressIps),
                "Local", healthCheckNodePort);
    }

    @Test
    @DisplayName("should work for type=NodePort")
    void shouldWorkForTypeNodePort() throws IOException {
        int nodePort = nextNodePort();
        c.apply(externalPolicy(KubeObjects.withNodePort(echoService(c, "external-local-nodeport"), nodePort), "Local", 0));
        readySlices("external-local-nodeport", List.of(c.echo1a)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            for (Proto proto : Proto.values()) {
                // the node with the endpoint, from outside and from a pod of the other node (upstream's
                // test container): the backend sees the client's own address
                probe.awaitServed(proto, c.external, nodeIp(c.node1, f), nodePort, c.echo1a, c.external.ip(f), 4);
                probe.awaitServed(proto, c.client2, nodeIp(c.node1, f), nodePort, c.echo1a, c.client2.ip(f));
            }
        }
    }

    @Test
    @DisplayName("should work for type=LoadBalancer")
    void shouldWorkForTypeLoadBalancer() throws IOException {
        int nodePort = nextNodePort();
        int healthCheckNodePort = nextNodePort();
        List<String> ingress = nextIngressIps();
        Service svc = localLoadBalancer("external-local-lb", nodePort, healthCheckNodePort, ingress);
        c.apply(svc);
        readySlices("external-local-lb", List.of(c.echo1a)).forEach(c::apply);
        probe.awaitHealthCheck(c.node1, healthCheckNodePort, healthy("external-local-lb"));
        for (IpFamily f : IpFamily.values()) {
            for (Proto proto : Proto.values()) {
                // through the load balancer (node-1): the source is preserved
                probe.awaitServed(proto, c.external, ofFamily(ingress, f), 80, c.echo1a, c.external.ip(f), 4);
            }
        }
        // upstream's clean-up check: back to ClusterIP, the health-check node port does not leak
        c.apply(TrafficPolicyObjects.backToClusterIp(svc));
        for (Testbed node : c.cluster.nodes()) probe.awaitHealthCheck(node, healthCheckNodePort, closed());
    }

    @Test
    @DisplayName("should only target nodes with endpoints")
    void shouldOnlyTargetNodesWithEndpoints() throws IOException {
        int nodePort = nextNodePort();
        int healthCheckNodePort = nextNodePort();
        List<String> ingress = nextIngressIps();
        c.apply(localLoadBalancer("external-local-nodes", nodePort, healthCheckNodePort, ingress));
        // upstream moves the one endpoint from node to node
        for (Pod endpoint : List.of(c.echo1a, c.echo2a)) {
            readySlices("external-local-nodes", List.of(endpoint)).forEach(c::apply);
            Testbed with = c.cluster.nodeOf(endpoint);
            Testbed without = with == c.node1 ? c.node2 : c.node1;
            probe.awaitHealthCheck(with, healthCheckNodePort, healthy("external-local-nodes"));
            probe.awaitHealthCheck(without, healthCheckNodePort, unhealthy("external-local-nodes"));
            for (IpFamily f : IpFamily.values()) {
                probe.awaitServed(Proto.TCP, c.external, nodeIp(with, f), nodePort, endpoint, c.external.ip(f));
                // a node without endpoints drops: a timeout, not a refusal the load balancer would act on
                probe.awaitDropped(Proto.TCP, c.external, nodeIp(without, f), nodePort);
                // the load balancer's address arrives at node-1: served only while node-1 has the endpoint
                if (with == c.node1) {
                    probe.awaitServed(Proto.TCP, c.external, ofFamily(ingress, f), 80, endpoint, c.external.ip(f));
                } else {
                    probe.awaitDropped(Proto.TCP, c.external, ofFamily(ingress, f), 80);
                }
            }
        }
    }

    @Test
    @DisplayName("should work from pods")
    void shouldWorkFromPods() throws IOException {
        int nodePort = nextNodePort();
        List<String> ingress = nextIngressIps();
        c.apply(localLoadBalancer("external-local-pods", nodePort, nextNodePort(), ingress));
        readySlices("external-local-pods", List.of(c.echo1a)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            for (Proto proto : Proto.values()) {
                // client-2's node has no endpoint, yet traffic from a pod is internal: it reaches node-1's
                // endpoint with its own address, through the load balancer's IP and its own node's port
                probe.awaitServed(proto, c.client2, ofFamily(ingress, f), 80, c.echo1a, c.client2.ip(f));
                probe.awaitServed(proto, c.client2, nodeIp(c.node2, f), nodePort, c.echo1a, c.client2.ip(f));
            }
            // while the same node port drops traffic from outside
            probe.awaitDropped(Proto.TCP, c.external, nodeIp(c.node2, f), nodePort);
        }
    }

    @Test
    @DisplayName("should handle updates to ExternalTrafficPolicy field")
    void shouldHandleUpdatesToExternalTrafficPolicyField() throws IOException {
        int nodePort = nextNodePort();
        int healthCheckNodePort = nextNodePort();
        List<String> ingress = nextIngressIps();
        Service local = localLoadBalancer("external-local-update", nodePort, healthCheckNodePort, ingress);
        c.apply(local);
        readySlices("external-local-update", List.of(c.echo1a)).forEach(c::apply);
        HealthAnswer ok = healthy("external-local-update");
        probe.awaitHealthCheck(c.node1, healthCheckNodePort, ok);
        for (IpFamily f : IpFamily.values()) probe.awaitDropped(Proto.TCP, c.external, nodeIp(c.node2, f), nodePort);

        // ESIPP off: the health-check node port closes (the API server clears it from the spec), node-2
        // forwards to node-1's endpoint source-NATed to its own address
        c.apply(externalPolicy(local, "Cluster", 0));
        for (Testbed node : c.cluster.nodes()) probe.awaitHealthCheck(node, healthCheckNodePort, closed());
        for (IpFamily f : IpFamily.values()) {
            for (Proto proto : Proto.values()) {
                probe.awaitServed(proto, c.external, nodeIp(c.node2, f), nodePort, c.echo1a, nodeIp(c.node2, f));
                // node-1 has the endpoint itself: no hop to another node, no source NAT
                probe.awaitServed(proto, c.external, nodeIp(c.node1, f), nodePort, c.echo1a, c.external.ip(f), 0);
                probe.awaitServed(proto, c.external, ofFamily(ingress, f), 80, c.echo1a, c.external.ip(f));
            }
        }

        // back to Local, with the same health-check node port
        c.apply(externalPolicy(local, "Local", healthCheckNodePort));
        probe.awaitHealthCheck(c.node1, healthCheckNodePort, ok);
        probe.awaitHealthCheck(c.node2, healthCheckNodePort, unhealthy("external-local-update"));
        for (IpFamily f : IpFamily.values()) {
            probe.awaitServed(Proto.TCP, c.external, ofFamily(ingress, f), 80, c.echo1a, c.external.ip(f));
            probe.awaitDropped(Proto.TCP, c.external, nodeIp(c.node2, f), nodePort);
        }
    }
}
