package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.testbed.Pod;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/** Builders for the Services and EndpointSlices the e2e tests put on the mock API server. */
final class KubeObjects {
    static final String NAMESPACE = "e2e";

    private KubeObjects() {
    }

    /**
     * A single-stack ClusterIP Service of the VIP's family (IPv4 or IPv6); the mock never allocates
     * one, so the VIP is always given. ipFamilies and ipFamilyPolicy are filled in as a real API
     * server defaults them.
     */
    static Service service(String name, String clusterIp, ServicePort... ports) {
        return clusterIpService(name, "SingleStack", List.of(clusterIp), ports);
    }

    /**
     * A dual-stack ClusterIP Service (ipFamilyPolicy RequireDualStack): {@code primaryVip} is
     * spec.clusterIP and the first of spec.clusterIPs, and its family the first of spec.ipFamilies,
     * as the API server orders them.
     *
     * @throws IllegalArgumentException unless the two VIPs are of different families
     */
    static Service dualStackService(String name, String primaryVip, String secondaryVip, ServicePort... ports) {
        if (family(primaryVip) == family(secondaryVip)) {
            throw new IllegalArgumentException("a dual-stack Service needs one VIP per family: " + primaryVip + ", " + secondaryVip);
        }
        return clusterIpService(name, "RequireDualStack", List.of(primaryVip, secondaryVip), ports);
    }

    private static Service clusterIpService(String name, String policy, List<String> vips, ServicePort... ports) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(NAMESPACE).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(vips.getFirst()).withClusterIPs(vips)
                .withIpFamilies(vips.stream().map(v -> family(v).apiName()).toList()).withIpFamilyPolicy(policy)
                .withPorts(ports).endSpec()
                .build();
    }

    /** The family of an IP literal. @throws IllegalArgumentException for anything else */
    static IpFamily family(String ip) {
        return IpAddress.parse(ip).orElseThrow(() -> new IllegalArgumentException("not an IP literal: " + ip)).family();
    }

    /** The Service with one more label. */
    static Service labeled(Service s, String key, String value) {
        return new ServiceBuilder(s).editMetadata().addToLabels(key, value).endMetadata().build();
    }

    /** The Service with {@code spec.trafficDistribution} (PreferClose, PreferSameZone, PreferSameNode). */
    static Service withTrafficDistribution(Service s, String distribution) {
        return new ServiceBuilder(s).editSpec().withTrafficDistribution(distribution).endSpec().build();
    }

    /**
     * The slice as the EndpointSlice controller writes it for a Service with trafficDistribution
     * PreferClose (or PreferSameZone): each endpoint gets its node's zone as {@code zone} and as its
     * only {@code hints.forZones} entry.
     */
    static EndpointSlice withZoneHints(EndpointSlice s, Function<String, String> zoneOfNode) {
        return new EndpointSliceBuilder(s).withEndpoints(s.getEndpoints().stream().map(e -> {
            String zone = zoneOfNode.apply(e.getNodeName());
            return new EndpointBuilder(e).withZone(zone).withNewHints().addNewForZone(zone).endHints().build();
        }).toList()).build();
    }

    /**
     * The Service with {@code spec.sessionAffinity} set to {@code mode} ("ClientIP" or "None") and, when
     * {@code timeoutSeconds} is not null, {@code spec.sessionAffinityConfig.clientIP.timeoutSeconds}.
     */
    static Service withSessionAffinity(Service s, String mode, Integer timeoutSeconds) {
        var spec = new ServiceBuilder(s).editSpec().withSessionAffinity(mode).withSessionAffinityConfig(null);
        if (timeoutSeconds != null) {
            spec = spec.withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(timeoutSeconds)
                    .endClientIP().endSessionAffinityConfig();
        }
        return spec.endSpec().build();
    }

    /**
     * The Service as type NodePort with {@code nodePort} on every port (TCP and UDP may share one node
     * port, as kube-proxy's DNS-style Services do); the mock allocates none, so it is given.
     */
    static Service withNodePort(Service s, int nodePort) {
        return new ServiceBuilder(s).editSpec().withType("NodePort")
                .withPorts(s.getSpec().getPorts().stream()
                        .map(p -> new ServicePortBuilder(p).withNodePort(nodePort).build()).toList())
                .endSpec().build();
    }

    /** Both slices' endpoints in one slice (e.g. ready ones and terminating ones). */
    static EndpointSlice merge(EndpointSlice a, EndpointSlice b) {
        return new EndpointSliceBuilder(a).addAllToEndpoints(b.getEndpoints()).build();
    }

    static ServicePort port(String name, String protocol, int port, int targetPort) {
        return new ServicePortBuilder().withName(name).withProtocol(protocol).withPort(port)
                .withTargetPort(new IntOrString(targetPort)).build();
    }

    /** A port whose target is a named container port, resolved through the EndpointSlice. */
    static ServicePort namedPort(String name, String protocol, int port, String targetPortName) {
        return new ServicePortBuilder().withName(name).withProtocol(protocol).withPort(port)
                .withTargetPort(new IntOrString(targetPortName)).build();
    }

    static EndpointPort slicePort(String name, String protocol, int port) {
        return new EndpointPortBuilder().withName(name).withProtocol(protocol).withPort(port).build();
    }

    /** An IPv4 EndpointSlice of the Service (label kubernetes.io/service-name) with every pod ready. */
    static EndpointSlice slice(String service, String sliceName, List<EndpointPort> ports, Collection<Pod> pods) {
        return slice(service, sliceName, ports, pods, true);
    }

    /**
     * An EndpointSlice of {@code family} (addressType IPv4 or IPv6, the pods' addresses of that
     * family) with every pod ready. A dual-stack Service has one slice per family.
     */
    static EndpointSlice slice(IpFamily family, String service, String sliceName, List<EndpointPort> ports,
                               Collection<Pod> pods) {
        return slice(family, service, sliceName, ports, pods, true, true, false);
    }

    /** An EndpointSlice of the Service whose endpoints are all ready (and serving) or all not. */
    static EndpointSlice slice(String service, String sliceName, List<EndpointPort> ports, Collection<Pod> pods,
                               boolean ready) {
        return slice(service, sliceName, ports, pods, ready, ready, false);
    }

    /** An IPv4 EndpointSlice whose endpoints all carry the given conditions. */
    static EndpointSlice slice(String service, String sliceName, List<EndpointPort> ports, Collection<Pod> pods,
                               boolean ready, boolean serving, boolean terminating) {
        return slice(IpFamily.IPV4, service, sliceName, ports, pods, ready, serving, terminating);
    }

    /**
     * An EndpointSlice of {@code family} whose endpoints all carry the given conditions; each
     * endpoint's nodeName is its pod's node.
     */
    static EndpointSlice slice(IpFamily family, String service, String sliceName, List<EndpointPort> ports,
                               Collection<Pod> pods, boolean ready, boolean serving, boolean terminating) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(NAMESPACE).withName(sliceName)
                .addToLabels("kubernetes.io/service-name", service)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "e2e.senda.dev")
                .endMetadata()
                .withAddressType(family.apiName())
                .withPorts(ports)
                .withEndpoints(pods.stream().map(p -> new EndpointBuilder()
                        .withAddresses(p.ip(family))
                        .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating).endConditions()
                        .withNodeName(p.nodeName())
                        .withNewTargetRef().withKind("Pod").withNamespace(NAMESPACE).withName(p.name()).endTargetRef()
                        .build()).toList())
                .build();
    }
}
