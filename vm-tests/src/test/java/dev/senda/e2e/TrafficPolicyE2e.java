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
import static dev.senda.e2e.TrafficPolicyObjects.internalPolicy;
import static dev.senda.e2e.TrafficPolicyObjects.readySlices;
import static dev.senda.e2e.TrafficPolicyObjects.slices;

/**
 * Internal and external traffic policies and kube-proxy's fallback to serving, terminating endpoints,
 * on the two-node cluster (upstream's {@code test/e2e/network/service.go}), both families. Upstream's
 * single endpoint on node 0 is echo-1a on node-1 here; its pause pods on node 0 and node 1 are
 * client-1 and client-2. Where upstream deletes the endpoint's pod (100 s grace period) to make it
 * terminating, the slice here first holds a ready echo-1a beside a terminating echo-1b, then only the
 * terminating echo-1b: that it answers shows both the fallback and that the change was programmed.
 * The externalTrafficPolicy cases also probe the node ports from the external client.
 */
abstract class TrafficPolicyE2e extends NodeDevicesClusterE2e {
    /** The Service's cluster IP of {@code family} (a dual-stack Service lists IPv4 first). */
    static String vip(Service svc, IpFamily family) {
        return svc.getSpec().getClusterIPs().stream().filter(ip -> KubeObjects.family(ip) == family).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + family + " cluster IP: " + svc.getSpec().getClusterIPs()));
    }

    @Test
    @DisplayName("should respect internalTrafficPolicy=Local Pod to Pod")
    void shouldRespectInternalTrafficPolicyLocalPodToPod() throws IOException {
        Service svc = c.apply(internalPolicy(echoService(c, "svc-itp"), "Local"));
        readySlices("svc-itp", List.of(c.echo1a)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            for (Proto proto : Proto.values()) {
                // client-1 shares node-1 with the only endpoint: served, five times in a row
                probe.awaitServed(proto, c.client1, vip(svc, f), 80, c.echo1a, c.client1.ip(f), 4);
                // client-2's node has no endpoint: its connection fails, and again
                probe.awaitNoLocalEndpoint(proto, c.client2, vip(svc, f), 80, 1);
            }
        }
    }

    @Test
    @DisplayName("should fallback to terminating endpoints when there are no ready endpoints with internalTrafficPolicy=Cluster")
    void shouldFallbackToTerminatingEndpointsWithInternalTrafficPolicyCluster() throws IOException {
        Service svc = c.apply(echoService(c, "itp-cluster"));
        slices("itp-cluster", List.of(c.echo1a), List.of(c.echo1b)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            for (Pod client : List.of(c.client1, c.client2)) {
                probe.awaitServed(Proto.TCP, client, vip(svc, f), 80, c.echo1a, client.ip(f));
            }
        }
        // no ready endpoint left anywhere: the terminating one serves both nodes' pods
        slices("itp-cluster", List.of(), List.of(c.echo1b)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            for (Pod client : List.of(c.client1, c.client2)) {
                probe.awaitServed(Proto.TCP, client, vip(svc, f), 80, c.echo1b, client.ip(f), 4);
            }
        }
    }

    @Test
    @DisplayName("should fallback to local terminating endpoints when there are no ready endpoints with internalTrafficPolicy=Local")
    void shouldFallbackToLocalTerminatingEndpointsWithInternalTrafficPolicyLocal() throws IOException {
        Service svc = c.apply(internalPolicy(echoService(c, "itp-local"), "Local"));
        slices("itp-local", List.of(c.echo1a), List.of(c.echo1b)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            probe.awaitServed(Proto.TCP, c.client1, vip(svc, f), 80, c.echo1a, c.client1.ip(f));
        }
        // node-1's only endpoint is terminating: it serves node-1's pods; node-2 has none, terminating or not
        slices("itp-local", List.of(), List.of(c.echo1b)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            probe.awaitServed(Proto.TCP, c.client1, vip(svc, f), 80, c.echo1b, c.client1.ip(f), 4);
            probe.awaitNoLocalEndpoint(Proto.TCP, c.client2, vip(svc, f), 80, 0);
        }
    }

    @Test
    @DisplayName("should fallback to terminating endpoints when there are no ready endpoints with externallTrafficPolicy=Cluster")
    void shouldFallbackToTerminatingEndpointsWithExternalTrafficPolicyCluster() throws IOException {
        int nodePort = nextNodePort();
        c.apply(KubeObjects.withNodePort(echoService(c, "etp-cluster"), nodePort));
        slices("etp-cluster", List.of(c.echo1a), List.of(c.echo1b)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            probe.awaitServed(Proto.TCP, c.external, nodeIp(c.node1, f), nodePort, c.echo1a, c.external.ip(f));
        }
        slices("etp-cluster", List.of(), List.of(c.echo1b)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            // upstream: pods on both nodes reach node 0's node port
            for (Pod client : List.of(c.client1, c.client2)) {
                probe.awaitServed(Proto.TCP, client, nodeIp(c.node1, f), nodePort, c.echo1b, client.ip(f), 4);
            }
            // from outside: node-1 keeps the client's address; node-2 forwards to node-1's endpoint
            // source-NATed to its own address, so the reply comes back through it
            probe.awaitServed(Proto.TCP, c.external, nodeIp(c.node1, f), nodePort, c.echo1b, c.external.ip(f));
            probe.awaitServed(Proto.TCP, c.external, nodeIp(c.node2, f), nodePort, c.echo1b, nodeIp(c.node2, f));
        }
    }

    @Test
    @DisplayName("should fallback to local terminating endpoints when there are no ready endpoints with externalTrafficPolicy=Local")
    void shouldFallbackToLocalTerminatingEndpointsWithExternalTrafficPolicyLocal() throws IOException {
        int nodePort = nextNodePort();
        c.apply(externalPolicy(KubeObjects.withNodePort(echoService(c, "etp-local"), nodePort), "Local", 0));
        slices("etp-local", List.of(c.echo1a), List.of(c.echo1b)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            probe.awaitServed(Proto.TCP, c.external, nodeIp(c.node1, f), nodePort, c.echo1a, c.external.ip(f));
        }
        slices("etp-local", List.of(), List.of(c.echo1b)).forEach(c::apply);
        for (IpFamily f : IpFamily.values()) {
            // upstream: client-1 -> node-2's node port is external traffic to a node without endpoints: dropped
            probe.awaitDropped(Proto.TCP, c.client1, nodeIp(c.node2, f), nodePort);
            // client-2 -> node-1 (external to node-1, which has the terminating endpoint) and client-1 -> node-1
            probe.awaitServed(Proto.TCP, c.client2, nodeIp(c.node1, f), nodePort, c.echo1b, c.client2.ip(f), 4);
            probe.awaitServed(Proto.TCP, c.client1, nodeIp(c.node1, f), nodePort, c.echo1b, c.client1.ip(f), 4);
            // from outside: node-1's local terminating endpoint with the client's address, node-2 drops
            probe.awaitServed(Proto.TCP, c.external, nodeIp(c.node1, f), nodePort, c.echo1b, c.external.ip(f));
            probe.awaitDropped(Proto.TCP, c.external, nodeIp(c.node2, f), nodePort);
        }
    }
}
