package dev.senda.e2e;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

import java.util.List;

/**
 * Services of the other types (ExternalName, LoadBalancer, ClusterIP with external IPs) as the API
 * server would hold them after a create or a type change; the mock allocates and clears nothing, so
 * these builders do what the API server's defaulting and the cloud controller would.
 */
final class ServiceTypeObjects {
    /** What an ExternalName Service points at (upstream's jig uses the same kind of name). */
    static final String EXTERNAL_NAME = "foo.example.com";

    private ServiceTypeObjects() {
    }

    /**
     * A Service of type ExternalName with these ports: no cluster IP, no families, no node ports, as the
     * API server stores one (a change to ExternalName must clear {@code spec.clusterIP(s)}).
     */
    static Service externalName(String name, ServicePort... ports) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(KubeObjects.NAMESPACE).withName(name).endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName(EXTERNAL_NAME)
                .withPorts(List.of(ports).stream().map(p -> new ServicePortBuilder(p).withNodePort(null).build()).toList())
                .endSpec()
                .build();
    }

    /**
     * The Service as type LoadBalancer with {@code spec.allocateLoadBalancerNodePorts} set, and
     * {@code ingressIps} in {@code status.loadBalancer.ingress} (ipMode VIP), as a cloud controller
     * (or MetalLB) would announce them. With {@code allocateNodePorts} false, the ports carry no node
     * port (the API server allocates none); otherwise they keep the ones they have.
     */
    static Service withLoadBalancer(Service s, boolean allocateNodePorts, List<String> ingressIps) {
        var b = new ServiceBuilder(s).editSpec().withType("LoadBalancer").withAllocateLoadBalancerNodePorts(allocateNodePorts);
        if (!allocateNodePorts) {
            b = b.withPorts(s.getSpec().getPorts().stream().map(p -> new ServicePortBuilder(p).withNodePort(null).build())
                    .toList());
        }
        return b.endSpec()
                .withNewStatus().withNewLoadBalancer()
                .withIngress(ingressIps.stream().map(ip -> new LoadBalancerIngressBuilder().withIp(ip).withIpMode("VIP").build())
                        .toList())
                .endLoadBalancer().endStatus()
                .build();
    }

    /** The Service with {@code spec.externalIPs}. */
    static Service withExternalIps(Service s, List<String> ips) {
        return new ServiceBuilder(s).editSpec().withExternalIPs(ips).endSpec().build();
    }
}
