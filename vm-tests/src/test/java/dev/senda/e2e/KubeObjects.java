package dev.senda.e2e;

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

/** Builders for the Services and EndpointSlices the e2e tests put on the mock API server. */
final class KubeObjects {
    static final String NAMESPACE = "e2e";

    private KubeObjects() {
    }

    /** A ClusterIP Service; the mock never allocates one, so the VIP is always given. */
    static Service service(String name, String clusterIp, ServicePort... ports) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(NAMESPACE).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
                .withPorts(ports).endSpec()
                .build();
    }

    /** The Service with one more label. */
    static Service labeled(Service s, String key, String value) {
        return new ServiceBuilder(s).editMetadata().addToLabels(key, value).endMetadata().build();
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

    /** An EndpointSlice of the Service (label kubernetes.io/service-name) with every pod ready. */
    static EndpointSlice slice(String service, String sliceName, List<EndpointPort> ports, Collection<Pod> pods) {
        return slice(service, sliceName, ports, pods, true);
    }

    /** An EndpointSlice of the Service whose endpoints are all ready (and serving) or all not. */
    static EndpointSlice slice(String service, String sliceName, List<EndpointPort> ports, Collection<Pod> pods,
                               boolean ready) {
        return slice(service, sliceName, ports, pods, ready, ready, false);
    }

    /** An EndpointSlice whose endpoints all carry the given conditions. */
    static EndpointSlice slice(String service, String sliceName, List<EndpointPort> ports, Collection<Pod> pods,
                               boolean ready, boolean serving, boolean terminating) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(NAMESPACE).withName(sliceName)
                .addToLabels("kubernetes.io/service-name", service)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "e2e.senda.dev")
                .endMetadata()
                .withAddressType("IPv4")
                .withPorts(ports)
                .withEndpoints(pods.stream().map(p -> new EndpointBuilder()
                        .withAddresses(p.ip())
                        .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating).endConditions()
                        .withNodeName("node-1")
                        .withNewTargetRef().withKind("Pod").withNamespace(NAMESPACE).withName(p.name()).endTargetRef()
                        .build()).toList())
                .build();
    }
}
