package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.testbed.Pod;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.Arrays;
import java.util.List;

import static dev.senda.e2e.AgentNodeE2e.echoPorts;
import static dev.senda.e2e.KubeObjects.port;

/**
 * The Services and EndpointSlices of the traffic-policy scenarios, as the API server (and a cloud
 * controller announcing load balancers) would hold them: the mock defaults nothing, so what the API
 * server clears or fills in on an update (the health-check node port of a policy Cluster) is done here.
 */
final class TrafficPolicyObjects {
    private TrafficPolicyObjects() {
    }

    /** A dual-stack ClusterIP Service with TCP and UDP port 80 to the echo port 8080. */
    static Service echoService(E2eCluster c, String name) {
        return KubeObjects.dualStackService(name, c.nextVip(IpFamily.IPV4), c.nextVip(IpFamily.IPV6),
                port("http", "TCP", 80, E2eNode.ECHO), port("udp", "UDP", 80, E2eNode.ECHO));
    }

    /** The Service with {@code spec.internalTrafficPolicy} ("Local" or "Cluster"). */
    static Service internalPolicy(Service s, String policy) {
        return new ServiceBuilder(s).editSpec().withInternalTrafficPolicy(policy).endSpec().build();
    }

    /**
     * The Service (a NodePort or LoadBalancer) with {@code spec.externalTrafficPolicy}; "Local" with
     * {@code healthCheckNodePort} (0: none, as for a NodePort Service), "Cluster" without one (the API
     * server clears it when the policy goes back to Cluster).
     */
    static Service externalPolicy(Service s, String policy, int healthCheckNodePort) {
        boolean local = policy.equals("Local");
        return new ServiceBuilder(s).editSpec().withExternalTrafficPolicy(policy)
                .withHealthCheckNodePort(local && healthCheckNodePort > 0 ? healthCheckNodePort : null).endSpec().build();
    }

    /**
     * The Service as type LoadBalancer with its node ports, and {@code ingressIps} in
     * {@code status.loadBalancer.ingress} (ipMode VIP) as the provider announced them.
     */
    static Service loadBalancer(Service s, List<String> ingressIps) {
        return new ServiceBuilder(s).editSpec().withType("LoadBalancer").endSpec()
                .withNewStatus().withNewLoadBalancer()
                .withIngress(ingressIps.stream()
                        .map(ip -> new LoadBalancerIngressBuilder().withIp(ip).withIpMode("VIP").build()).toList())
                .endLoadBalancer().endStatus()
                .build();
    }

    /**
     * The Service changed back to type ClusterIP, as the API server stores it: no node ports, no
     * external traffic policy, no health-check node port, no load-balancer status.
     */
    static Service backToClusterIp(Service s) {
        return new ServiceBuilder(s).editSpec().withType("ClusterIP").withExternalTrafficPolicy(null)
                .withHealthCheckNodePort(null)
                .withPorts(s.getSpec().getPorts().stream().map(p -> new ServicePortBuilder(p).withNodePort(null).build()).toList())
                .endSpec().withStatus(null).build();
    }

    /** Both families' slices of Service {@code name} ({@code <name>-v4}, {@code <name>-v6}): every pod ready. */
    static List<EndpointSlice> readySlices(String name, List<Pod> pods) {
        return slices(name, pods, List.of());
    }

    /**
     * Both families' slices of Service {@code name}: {@code ready} pods ready (and serving), {@code terminating}
     * pods serving but terminating and not ready, as a pod in its termination grace period is.
     */
    static List<EndpointSlice> slices(String name, List<Pod> ready, List<Pod> terminating) {
        return Arrays.stream(IpFamily.values()).map(f -> {
            String sliceName = name + (f == IpFamily.IPV4 ? "-v4" : "-v6");
            EndpointSlice r = KubeObjects.slice(f, name, sliceName, echoPorts(), ready, true, true, false);
            EndpointSlice t = KubeObjects.slice(f, name, sliceName, echoPorts(), terminating, false, true, true);
            return KubeObjects.merge(r, t);
        }).toList();
    }
}
