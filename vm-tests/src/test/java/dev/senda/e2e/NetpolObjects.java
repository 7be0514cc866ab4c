package dev.senda.e2e;

import dev.senda.e2e.NetpolModel.PodId;
import dev.senda.net.IpFamily;
import dev.senda.testbed.Pod;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes objects of the matrix as a real cluster would hold them (namespaces with their
 * {@code kubernetes.io/metadata.name} label, running pods with IPs of both families and named
 * container ports, dual-stack Services with one EndpointSlice per family), and a small vocabulary
 * for NetworkPolicies: {@code policy("x", "deny-all", labels(), ingress())}. The mock API server
 * defaults nothing, so cases give every port its protocol (TCP where upstream leaves it out), as a
 * real API server would store it.
 */
final class NetpolObjects {
    /** The label the API server puts on every namespace (upstream's {@code v1.LabelMetadataName}). */
    static final String NS_NAME_LABEL = "kubernetes.io/metadata.name";

    private NetpolObjects() {
    }

    // ---------------------------------------------------------------- cluster objects

    /** Namespace {@code ns} labelled {@code ns=<ns>} and with its name label, plus {@code extra}. */
    static Namespace namespace(String ns, Map<String, String> extra) {
        Map<String, String> labels = new LinkedHashMap<>(Map.of("ns", ns, NS_NAME_LABEL, ns));
        labels.putAll(extra);
        return new NamespaceBuilder().withNewMetadata().withName(ns).withLabels(labels).endMetadata().build();
    }

    /**
     * The running pod {@code id} on {@code node}, labelled {@code pod=<name>} plus {@code extra},
     * with the testbed pod's addresses and one container per served port and protocol, each port
     * named as upstream names them ({@code serve-80-tcp}).
     */
    static io.fabric8.kubernetes.api.model.Pod pod(PodId id, Pod tbPod, Map<String, String> extra) {
        Map<String, String> labels = new LinkedHashMap<>(Map.of("pod", id.pod()));
        labels.putAll(extra);
        PodBuilder b = new PodBuilder()
                .withNewMetadata().withNamespace(id.ns()).withName(id.pod()).withLabels(labels).endMetadata()
                .withNewSpec().withNodeName(tbPod.nodeName()).endSpec();
        for (int port : NetpolModel.PORTS) {
            for (String proto : List.of("TCP", "UDP")) {
                b = b.editSpec().addNewContainer().withName("cont-" + port + "-" + proto.toLowerCase()).withImage("agnhost")
                        .withPorts(new ContainerPortBuilder().withName(portName(port, proto)).withContainerPort(port)
                                .withProtocol(proto).build())
                        .endContainer().endSpec();
            }
        }
        return b.withNewStatus().withPhase("Running").withPodIP(tbPod.ip())
                .withPodIPs(new PodIPBuilder().withIp(tbPod.ip()).build(), new PodIPBuilder().withIp(tbPod.ipv6()).build())
                .endStatus().build();
    }

    /** Upstream's container port names: {@code serve-80-tcp}. */
    static String portName(int port, String proto) {
        return "serve-" + port + "-" + proto.toLowerCase();
    }

    /** The dual-stack ClusterIP Service {@code s-<ns>-<pod>} (IPv4 first): TCP and UDP on 80 and 81 to the same ports. */
    static Service service(PodId id, String vip4, String vip6) {
        List<io.fabric8.kubernetes.api.model.ServicePort> ports = new ArrayList<>();
        for (int port : NetpolModel.PORTS) {
            for (String proto : List.of("TCP", "UDP")) {
                ports.add(new ServicePortBuilder().withName(portName(port, proto)).withProtocol(proto).withPort(port)
                        .withTargetPort(new IntOrString(port)).build());
            }
        }
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(id.ns()).withName(id.serviceName()).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(vip4).withClusterIPs(vip4, vip6)
                .withIpFamilies("IPv4", "IPv6").withIpFamilyPolicy("RequireDualStack")
                .withSelector(Map.of("pod", id.pod())).withPorts(ports).endSpec()
                .build();
    }

    /** The Service's EndpointSlice of {@code family}: the pod, ready, with every port. */
    static EndpointSlice slice(PodId id, Pod tbPod, IpFamily family) {
        EndpointSliceBuilder b = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(id.ns()).withName(id.serviceName() + "-" + family.name().toLowerCase())
                .addToLabels("kubernetes.io/service-name", id.serviceName())
                .addToLabels("endpointslice.kubernetes.io/managed-by", "e2e.senda.dev")
                .endMetadata()
                .withAddressType(family.apiName())
                .withEndpoints(new EndpointBuilder().withAddresses(tbPod.ip(family))
                        .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                        .withNodeName(tbPod.nodeName())
                        .withNewTargetRef().withKind("Pod").withNamespace(id.ns()).withName(id.pod()).endTargetRef()
                        .build());
        for (int port : NetpolModel.PORTS) {
            for (String proto : List.of("TCP", "UDP")) {
                b = b.addToPorts(new EndpointPortBuilder().withName(portName(port, proto)).withProtocol(proto).withPort(port).build());
            }
        }
        return b.build();
    }

    // ---------------------------------------------------------------- policies

    /** Ingress rules, the policy type Ingress. */
    record Ingress(List<NetworkPolicyIngressRule> rules) {
    }

    /** Egress rules, the policy type Egress. */
    record Egress(List<NetworkPolicyEgressRule> rules) {
    }

    /** Policy type Ingress with these rules (none: deny all ingress). */
    static Ingress ingress(NetworkPolicyIngressRule... rules) {
        return new Ingress(List.of(rules));
    }

    /** Policy type Egress with these rules (none: deny all egress). */
    static Egress egress(NetworkPolicyEgressRule... rules) {
        return new Egress(List.of(rules));
    }

    /** Policy {@code ns/name} selecting {@code podSelector}, isolating for ingress only. */
    static NetworkPolicy policy(String ns, String name, LabelSelector podSelector, Ingress ingress) {
        return policy(ns, name, podSelector, ingress, null);
    }

    /** Policy {@code ns/name} selecting {@code podSelector}, isolating for egress only. */
    static NetworkPolicy policy(String ns, String name, LabelSelector podSelector, Egress egress) {
        return policy(ns, name, podSelector, null, egress);
    }

    /** Policy with explicit policyTypes: Ingress when {@code ingress} is given, Egress when {@code egress} is. */
    static NetworkPolicy policy(String ns, String name, LabelSelector podSelector, Ingress ingress, Egress egress) {
        List<String> types = new ArrayList<>();
        if (ingress != null) types.add("Ingress");
        if (egress != null) types.add("Egress");
        return new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withPodSelector(podSelector).withPolicyTypes(types)
                .withIngress(ingress == null ? List.of() : ingress.rules())
                .withEgress(egress == null ? List.of() : egress.rules())
                .endSpec().build();
    }

    /** {@code matchLabels} from key, value pairs; none: the empty selector (everything). */
    static LabelSelector labels(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
        return new LabelSelectorBuilder().withMatchLabels(m).build();
    }

    /** One {@code matchExpressions} requirement: {@code key In|NotIn|Exists|DoesNotExist values}. */
    static LabelSelector expression(String key, String operator, String... values) {
        return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(operator)
                .withValues(values).endMatchExpression().build();
    }

    /** A rule allowing these peers on these ports ({@code null} peers: everyone; no ports: every port). */
    static NetworkPolicyIngressRule from(List<NetworkPolicyPeer> peers, NetworkPolicyPort... ports) {
        return new NetworkPolicyIngressRuleBuilder().withFrom(peers == null ? List.of() : peers).withPorts(ports).build();
    }

    static NetworkPolicyEgressRule to(List<NetworkPolicyPeer> peers, NetworkPolicyPort... ports) {
        return new NetworkPolicyEgressRuleBuilder().withTo(peers == null ? List.of() : peers).withPorts(ports).build();
    }

    /** A peer: pods of the policy's namespace matching {@code pods}. */
    static NetworkPolicyPeer pods(LabelSelector pods) {
        return new NetworkPolicyPeerBuilder().withPodSelector(pods).build();
    }

    /** A peer: every pod of the namespaces matching {@code namespaces}. */
    static NetworkPolicyPeer namespaces(LabelSelector namespaces) {
        return new NetworkPolicyPeerBuilder().withNamespaceSelector(namespaces).build();
    }

    /** A peer: pods matching {@code pods} in namespaces matching {@code namespaces} (both must match). */
    static NetworkPolicyPeer podsInNamespaces(LabelSelector namespaces, LabelSelector pods) {
        return new NetworkPolicyPeerBuilder().withNamespaceSelector(namespaces).withPodSelector(pods).build();
    }

    static NetworkPolicyPeer ipBlock(String cidr, String... except) {
        return new NetworkPolicyPeerBuilder().withIpBlock(new IPBlockBuilder().withCidr(cidr).withExcept(except).build()).build();
    }

    /** A numbered port; {@code protocol} null leaves it out (the API's default is TCP). */
    static NetworkPolicyPort port(String protocol, int port) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).build();
    }

    /** A port range {@code port..endPort}. */
    static NetworkPolicyPort portRange(String protocol, int port, int endPort) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).withEndPort(endPort).build();
    }

    /** A named container port; {@code protocol} may be null. */
    static NetworkPolicyPort namedPort(String protocol, String name) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(name)).build();
    }

    /** Every port of one protocol. */
    static NetworkPolicyPort protocolOnly(String protocol) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).build();
    }
}
