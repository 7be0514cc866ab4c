package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.senda.e2e.TrafficPolicyObjects.echoService;
import static dev.senda.e2e.TrafficPolicyObjects.externalPolicy;
import static dev.senda.e2e.TrafficPolicyObjects.loadBalancer;
import static dev.senda.e2e.TrafficPolicyObjects.readySlices;

/**
 * A handful of representative Service scenarios on a pod network made by real CNI plugins
 * ({@link #layout()}), named after upstream's e2e titles: cluster IPs from pods to a backend on the
 * same node and on the other one (source kept), a pod reaching itself through its Service, a node port
 * and a LoadBalancer ingress IP from the external client. Each concrete class is one layout in one
 * datapath mode; the agents get {@code --pod-devices veth*} (every pod's host side, bridge ports
 * included) and the layout's {@code --node-devices}.
 */
abstract class CniServicesE2e extends NodeDevicesClusterE2e {
    @Override
    abstract CniLayout layout();

    /** A dual-stack ClusterIP Service (TCP and UDP 80) whose only endpoint is {@code backend}. */
    private Service serviceOf(String name, Pod backend) {
        Service s = echoService(c, name);
        c.apply(s);
        readySlices(name, List.of(backend)).forEach(c::apply);
        return s;
    }

    private static String vip(Service s, IpFamily family) {
        return s.getSpec().getClusterIPs().stream().filter(ip -> KubeObjects.family(ip) == family).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("should preserve source pod IP for traffic thru service cluster IP [LinuxOnly]")
    void shouldPreserveSourcePodIpForTrafficThruServiceClusterIp() throws IOException {
        Service sameNode = serviceOf("cni-same-node", c.echo1a);
        Service otherNode = serviceOf("cni-other-node", c.echo2a);
        for (IpFamily f : IpFamily.values()) {
            for (Proto proto : Proto.values()) {
                probe.awaitServed(proto, c.client1, vip(sameNode, f), 80, c.echo1a, c.client1.ip(f));
                probe.awaitServed(proto, c.client1, vip(otherNode, f), 80, c.echo2a, c.client1.ip(f));
            }
        }
    }

    @Test
    @DisplayName("should allow pods to hairpin back to themselves through services")
    void shouldAllowPodsToHairpinBackToThemselvesThroughServices() throws IOException {
        Service s = serviceOf("cni-hairpin", c.echo1b);
        for (IpFamily f : IpFamily.values()) {
            // per-packet LB source-NATs hairpin traffic to the Service address, socket LB keeps the pod's own
            probe.awaitServed(Proto.TCP, c.echo1b, vip(s, f), 80, c.echo1b, null);
        }
    }

    @Test
    @DisplayName("should be able to create a functioning NodePort service")
    void shouldBeAbleToCreateAFunctioningNodePortService() throws IOException {
        int nodePort = nextNodePort();
        c.apply(KubeObjects.withNodePort(echoService(c, "cni-nodeport"), nodePort));
        readySlices("cni-nodeport", List.of(c.echo2a)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            for (Proto proto : Proto.values()) {
                // through the endpoint's node: the client's own address; through the other node: that node's (SNAT)
                probe.awaitServed(proto, c.external, nodeIp(c.node2, f), nodePort, c.echo2a, c.external.ip(f));
                probe.awaitServed(proto, c.external, nodeIp(c.node1, f), nodePort, c.echo2a, nodeIp(c.node1, f));
            }
            probe.awaitServed(Proto.TCP, c.client1, nodeIp(c.node2, f), nodePort, c.echo2a, null);
        }
    }

    @Test
    @DisplayName("should work for type=LoadBalancer")
    void shouldWorkForTypeLoadBalancer() throws IOException {
        int nodePort = nextNodePort();
        List<String> ingress = List.of(c.cluster.network().loadBalancer(IpFamily.IPV4, 1),
                c.cluster.network().loadBalancer(IpFamily.IPV6, 1));
        c.apply(externalPolicy(loadBalancer(KubeObjects.withNodePort(echoService(c, "cni-lb"), nodePort), ingress),
                "Local", 0));
        readySlices("cni-lb", List.of(c.echo1a)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            String ip = ingress.get(f == IpFamily.IPV4 ? 0 : 1);
            for (Proto proto : Proto.values()) {
                // announced through node-1, which has the endpoint: the client's address kept
                probe.awaitServed(proto, c.external, ip, 80, c.echo1a, c.external.ip(f));
            }
            // a pod of the other node reaches the ingress IP through its own node's Senda
            probe.awaitServed(Proto.TCP, c.client2, ip, 80, c.echo1a, null);
        }
    }
}
