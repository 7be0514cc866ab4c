package dev.senda.source;

import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.LabelSelector;
import dev.senda.model.Namespace;
import dev.senda.model.NetworkPolicy;
import dev.senda.model.Node;
import dev.senda.model.ObjectRef;
import dev.senda.model.Pod;
import dev.senda.model.Service;
import dev.senda.model.ServiceLoadBalancer;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.model.TargetPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.ForNode;
import io.fabric8.kubernetes.api.model.discovery.v1.ForZone;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * fabric8 objects to {@link dev.senda.model} records: the only place that knows both.
 *
 * <p>Never throws on content: whatever is missing becomes null/empty, whatever is odd is kept as
 * given. Deciding that an object is unusable is desired state's job, because that is where a
 * rejection can name the object and the reason and be covered by golden tests.
 */
public final class Converters {
    private Converters() {
    }

    /** @return the model Service; null only when {@code in} is null */
    public static Service service(io.fabric8.kubernetes.api.model.Service in) {
        if (in == null) return null;
        ObjectMeta meta = in.getMetadata();
        ServiceSpec spec = in.getSpec();
        List<ServicePort> ports = spec == null ? List.of() : map(spec.getPorts(), Converters::servicePort);
        return new Service(
                ref(meta),
                meta == null ? Map.of() : meta.getLabels(),
                meta == null ? null : timestamp(meta.getCreationTimestamp()),
                spec == null ? null : spec.getType(),
                spec == null ? null : spec.getClusterIP(),
                spec == null ? List.of() : spec.getClusterIPs(),
                spec == null ? List.of() : spec.getIpFamilies(),
                spec == null ? null : spec.getIpFamilyPolicy(),
                spec == null ? List.of() : spec.getExternalIPs(),
                spec == null ? null : spec.getExternalName(),
                ports,
                spec == null ? null : spec.getSessionAffinity(),
                affinityTimeout(spec),
                spec == null ? null : spec.getInternalTrafficPolicy(),
                spec == null ? null : spec.getExternalTrafficPolicy(),
                loadBalancer(spec, in.getStatus()));
    }

    /** The load-balancer fields of a Service's spec and status; never null. */
    static ServiceLoadBalancer loadBalancer(ServiceSpec spec, ServiceStatus status) {
        List<ServiceLoadBalancer.Ingress> ingress = status == null || status.getLoadBalancer() == null
                ? List.of()
                : map(status.getLoadBalancer().getIngress(),
                        i -> new ServiceLoadBalancer.Ingress(i.getIp(), i.getHostname(), i.getIpMode()));
        if (spec == null) return new ServiceLoadBalancer(ingress, null, null, List.of());
        return new ServiceLoadBalancer(ingress, spec.getAllocateLoadBalancerNodePorts(), spec.getHealthCheckNodePort(),
                spec.getLoadBalancerSourceRanges());
    }

    /** @return the model Node; null only when {@code in} is null */
    public static Node node(io.fabric8.kubernetes.api.model.Node in) {
        if (in == null) return null;
        ObjectMeta meta = in.getMetadata();
        NodeSpec spec = in.getSpec();
        NodeStatus status = in.getStatus();
        return new Node(
                // Cluster-scoped: whatever namespace a stray object carries is not part of its name.
                new ObjectRef("", meta == null ? null : meta.getName()),
                meta == null ? Map.of() : meta.getLabels(),
                status == null ? List.of() : map(status.getAddresses(), a -> new Node.Address(a.getType(), a.getAddress())),
                meta != null && meta.getDeletionTimestamp() != null && !meta.getDeletionTimestamp().isEmpty(),
                spec == null ? List.of() : map(spec.getTaints(), t -> new Node.Taint(t.getKey(), t.getValue(), t.getEffect())),
                spec == null ? null : spec.getUnschedulable());
    }

    /**
     * The few fields NetworkPolicy needs (every pod of the cluster is watched, so nothing more).
     *
     * @return the model Pod; null only when {@code in} is null
     */
    public static Pod pod(io.fabric8.kubernetes.api.model.Pod in) {
        if (in == null) return null;
        ObjectMeta meta = in.getMetadata();
        PodSpec spec = in.getSpec();
        PodStatus status = in.getStatus();
        List<String> ips = List.of();
        if (status != null) {
            ips = map(status.getPodIPs(), PodIP::getIp);
            if (ips.isEmpty() && status.getPodIP() != null) ips = List.of(status.getPodIP());
        }
        List<Pod.NamedPort> ports = new ArrayList<>();
        if (spec != null) {
            namedPorts(spec.getContainers(), ports);
            namedPorts(spec.getInitContainers(), ports); // sidecars (restartPolicy Always) serve too
        }
        return new Pod(ref(meta),
                meta == null ? Map.of() : meta.getLabels(),
                spec == null ? null : spec.getNodeName(),
                spec != null && Boolean.TRUE.equals(spec.getHostNetwork()),
                status == null ? null : status.getPhase(),
                ips,
                ports);
    }

    private static void namedPorts(List<Container> containers, List<Pod.NamedPort> out) {
        if (containers == null) return;
        for (Container c : containers) {
            if (c == null || c.getPorts() == null) continue;
            for (ContainerPort p : c.getPorts()) {
                if (p != null && p.getName() != null && !p.getName().isEmpty()) {
                    out.add(new Pod.NamedPort(p.getName(), p.getContainerPort(), p.getProtocol()));
                }
            }
        }
    }

    /** @return the model Namespace; null only when {@code in} is null */
    public static Namespace namespace(io.fabric8.kubernetes.api.model.Namespace in) {
        if (in == null) return null;
        ObjectMeta meta = in.getMetadata();
        // Cluster-scoped: whatever namespace a stray object carries is not part of its name.
        return new Namespace(new ObjectRef("", meta == null ? null : meta.getName()),
                meta == null ? Map.of() : meta.getLabels());
    }

    /** @return the model NetworkPolicy; null only when {@code in} is null */
    public static NetworkPolicy networkPolicy(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy in) {
        if (in == null) return null;
        NetworkPolicySpec spec = in.getSpec();
        if (spec == null) return new NetworkPolicy(ref(in.getMetadata()), null, List.of(), List.of(), List.of());
        return new NetworkPolicy(ref(in.getMetadata()),
                labelSelector(spec.getPodSelector()),
                spec.getPolicyTypes(),
                map(spec.getIngress(), r -> new NetworkPolicy.Rule(map(r.getFrom(), Converters::peer),
                        map(r.getPorts(), Converters::policyPort))),
                map(spec.getEgress(), r -> new NetworkPolicy.Rule(map(r.getTo(), Converters::peer),
                        map(r.getPorts(), Converters::policyPort))));
    }

    /** null when absent, so that an absent selector stays distinct from {@code {}}. */
    static LabelSelector labelSelector(io.fabric8.kubernetes.api.model.LabelSelector in) {
        if (in == null) return null;
        return new LabelSelector(in.getMatchLabels(), map(in.getMatchExpressions(), Converters::requirement));
    }

    private static LabelSelector.Requirement requirement(LabelSelectorRequirement r) {
        return new LabelSelector.Requirement(r.getKey(), r.getOperator(), r.getValues());
    }

    private static NetworkPolicy.Peer peer(NetworkPolicyPeer p) {
        IPBlock block = p.getIpBlock();
        return new NetworkPolicy.Peer(labelSelector(p.getPodSelector()), labelSelector(p.getNamespaceSelector()),
                block == null ? null : new NetworkPolicy.IpBlock(block.getCidr(), block.getExcept()));
    }

    private static NetworkPolicy.Port policyPort(NetworkPolicyPort p) {
        IntOrString port = p.getPort();
        return new NetworkPolicy.Port(p.getProtocol(),
                port == null ? null : port.getIntVal(),
                port == null ? null : port.getStrVal(),
                p.getEndPort());
    }

    /** spec.sessionAffinityConfig.clientIP.timeoutSeconds, null wherever the path ends early. */
    private static Integer affinityTimeout(ServiceSpec spec) {
        if (spec == null || spec.getSessionAffinityConfig() == null) return null;
        var clientIp = spec.getSessionAffinityConfig().getClientIP();
        return clientIp == null ? null : clientIp.getTimeoutSeconds();
    }

    /** @return the model EndpointSlice; null only when {@code in} is null */
    public static EndpointSlice endpointSlice(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice in) {
        if (in == null) return null;
        ObjectMeta meta = in.getMetadata();
        Map<String, String> labels = meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels();
        return new EndpointSlice(
                ref(meta),
                labels,
                labels.get(EndpointSlice.SERVICE_NAME_LABEL),
                in.getAddressType(),
                map(in.getPorts(), Converters::slicePort),
                map(in.getEndpoints(), Converters::endpoint),
                Optional.ofNullable(meta == null || meta.getAnnotations() == null ? null
                        : timestamp(meta.getAnnotations().get(EndpointSlice.LAST_CHANGE_TRIGGER_TIME_ANNOTATION))));
    }

    /** namespace/name of any object's metadata; missing parts become "". */
    public static ObjectRef ref(ObjectMeta meta) {
        return meta == null ? new ObjectRef("", "") : new ObjectRef(meta.getNamespace(), meta.getName());
    }

    static ServicePort servicePort(io.fabric8.kubernetes.api.model.ServicePort p) {
        return new ServicePort(p.getName(), p.getProtocol(), p.getPort(), targetPort(p.getTargetPort()), p.getNodePort());
    }

    static TargetPort targetPort(IntOrString in) {
        if (in == null) return null;
        Integer number = in.getIntVal();
        if (number != null) return new TargetPort.Number(number);
        String name = in.getStrVal();
        return name == null ? null : new TargetPort.Named(name);
    }

    static SlicePort slicePort(EndpointPort p) {
        return new SlicePort(p.getName(), p.getProtocol(), p.getPort(), p.getAppProtocol());
    }

    static Endpoint endpoint(io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e) {
        var c = e.getConditions();
        EndpointConditions conditions = c == null
                ? EndpointConditions.UNSET
                : EndpointConditions.of(c.getReady(), c.getServing(), c.getTerminating());
        var hints = e.getHints();
        return new Endpoint(e.getAddresses(), conditions, e.getNodeName(), e.getZone(), e.getHostname(),
                hints == null ? List.of() : map(hints.getForZones(), ForZone::getName),
                hints == null ? List.of() : map(hints.getForNodes(), ForNode::getName));
    }

    /** RFC 3339 as the API writes it; null when absent or unreadable (it only orders conflicts). */
    static Instant timestamp(String text) {
        if (text == null || text.isEmpty()) return null;
        Instant plain = plainUtcSeconds(text);
        if (plain != null) return plain;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * "2025-03-01T10:00:00Z", the form the API writes, read by hand: {@link Instant#parse}'s formatter
     * machinery was the largest single cost of reading a 10,000-Service dump under the agent's C1-only
     * JIT. Null for any other form and for any field out of range (a leap second, hour 24, a 30th of
     * February), which {@link Instant#parse} then judges; ConvertersTimestampTest checks both agree.
     */
    private static Instant plainUtcSeconds(String t) {
        if (t.length() != 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':' || t.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(t, 0, 4), month = digits(t, 5, 2), day = digits(t, 8, 2);
        int hour = digits(t, 11, 2), minute = digits(t, 14, 2), second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        if (day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()) return null;
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600 + minute * 60 + second);
    }

    /** The value of the {@code n} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Maps a nullable list, skipping null elements. */
    private static <A, B> List<B> map(List<A> in, Function<A, B> f) {
        if (in == null) return List.of();
        List<B> out = new ArrayList<>(in.size());
        for (A a : in) {
            if (a != null) out.add(f.apply(a));
        }
        return out;
    }
}
