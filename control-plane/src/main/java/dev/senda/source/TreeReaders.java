package dev.senda.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServiceLoadBalancer;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.model.TargetPort;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The {@link TreeReader}s of the kinds a directory holds by the thousand: Service and EndpointSlice,
 * read from the YAML tree into their model records as {@link Converters} would make them from the
 * fabric8 objects the tree binds to.
 *
 * <p>How they stay equal to the binding path: every mapping is read field by field against the
 * fields of its fabric8 class that they know, each value checked for exactly the JSON type that binds
 * without coercion (text for a String, an int for an Integer, true/false for a Boolean, a sequence
 * for a List, a mapping for an object or a Map of texts; null wherever the binding takes null). Any
 * other field or type declines the whole object: the binding path then coerces it, keeps it in
 * fabric8's additional properties, or names it in an error, as it always did. Null list elements are
 * skipped, as {@link Converters} and the model's copies do. TreeReadersTest checks the equality over
 * the repository's fixtures and their random mutations.
 */
final class TreeReaders {
    /** Thrown to decline, caught at the top; carries nothing (no stack trace). */
    private static final class Decline extends RuntimeException {
        Decline() {
            super(null, null, false, false);
        }
    }

    private static final Decline DECLINE = new Decline();

    private TreeReaders() {
    }

    /** A Service as {@code Converters.service(treeToValue(node))}, or empty. */
    static Optional<Service> service(ObjectNode node, UnaryOperator<String> namespace) {
        try {
            return Optional.of(readService(node, namespace));
        } catch (Decline d) {
            return Optional.empty();
        }
    }

    /** An EndpointSlice as {@code Converters.endpointSlice(treeToValue(node))}, or empty. */
    static Optional<EndpointSlice> endpointSlice(ObjectNode node, UnaryOperator<String> namespace) {
        try {
            return Optional.of(readSlice(node, namespace));
        } catch (Decline d) {
            return Optional.empty();
        }
    }

    // ---- Service

    private static Service readService(ObjectNode node, UnaryOperator<String> namespace) {
        Meta meta = null;
        ObjectNode spec = null;
        ObjectNode status = null;
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            switch (f.getKey()) {
                case "apiVersion", "kind" -> text(f.getValue());
                case "metadata" -> meta = meta(f.getValue());
                case "spec" -> spec = object(f.getValue());
                case "status" -> status = object(f.getValue());
                default -> throw DECLINE;
            }
        }
        if (meta == null) throw DECLINE; // no name: the binding path notes it
        List<ServiceLoadBalancer.Ingress> ingress = status == null ? List.of() : ingress(status);
        ObjectRef ref = new ObjectRef(namespace.apply(meta.namespace), meta.name);
        if (spec == null) {
            return new Service(ref, meta.labels, meta.created(), null, null, List.of(), List.of(), null,
                    List.of(), null, List.of(), null, null, null, null,
                    new ServiceLoadBalancer(ingress, null, null, List.of()));
        }
        String type = null, clusterIP = null, ipFamilyPolicy = null, externalName = null, sessionAffinity = null;
        String internalTrafficPolicy = null, externalTrafficPolicy = null;
        List<String> clusterIPs = List.of(), ipFamilies = List.of(), externalIPs = List.of(), sourceRanges = List.of();
        List<ServicePort> ports = List.of();
        Integer affinityTimeout = null, healthCheckNodePort = null;
        Boolean allocateNodePorts = null;
        for (Map.Entry<String, JsonNode> f : spec.properties()) {
            JsonNode v = f.getValue();
            switch (f.getKey()) {
                case "type" -> type = text(v);
                case "clusterIP" -> clusterIP = text(v);
                case "clusterIPs" -> clusterIPs = texts(v);
                case "ipFamilies" -> ipFamilies = texts(v);
                case "ipFamilyPolicy" -> ipFamilyPolicy = text(v);
                case "externalIPs" -> externalIPs = texts(v);
                case "externalName" -> externalName = text(v);
                case "ports" -> ports = servicePorts(v);
                case "sessionAffinity" -> sessionAffinity = text(v);
                case "sessionAffinityConfig" -> affinityTimeout = affinityTimeout(v);
                case "internalTrafficPolicy" -> internalTrafficPolicy = text(v);
                case "externalTrafficPolicy" -> externalTrafficPolicy = text(v);
                case "allocateLoadBalancerNodePorts" -> allocateNodePorts = bool(v);
                case "healthCheckNodePort" -> healthCheckNodePort = integer(v);
                case "loadBalancerSourceRanges" -> sourceRanges = texts(v);
                case "selector" -> textMap(v);
                case "publishNotReadyAddresses" -> bool(v);
                case "loadBalancerIP", "loadBalancerClass", "trafficDistribution" -> text(v);
                default -> throw DECLINE;
            }
        }
        return new Service(ref, meta.labels, meta.created(), type, clusterIP, clusterIPs, ipFamilies,
                ipFamilyPolicy, externalIPs, externalName, ports, sessionAffinity, affinityTimeout,
                internalTrafficPolicy, externalTrafficPolicy,
                new ServiceLoadBalancer(ingress, allocateNodePorts, healthCheckNodePort, sourceRanges));
    }

    private static List<ServicePort> servicePorts(JsonNode v) {
        List<ServicePort> ports = new ArrayList<>(v == null || !v.isArray() ? 0 : v.size());
        for (ObjectNode p : objects(v)) {
            String name = null, protocol = null;
            Integer port = null, nodePort = null;
            TargetPort target = null;
            for (Map.Entry<String, JsonNode> f : p.properties()) {
                JsonNode x = f.getValue();
                switch (f.getKey()) {
                    case "name" -> name = text(x);
                    case "protocol" -> protocol = text(x);
                    case "port" -> port = integer(x);
                    case "targetPort" -> target = targetPort(x);
                    case "nodePort" -> nodePort = integer(x);
                    case "appProtocol" -> text(x);
                    default -> throw DECLINE;
                }
            }
            ports.add(new ServicePort(name, protocol, port, target, nodePort));
        }
        return ports;
    }

    /** An int-or-string: fabric8 keeps an int as the number and a text as the name. */
    private static TargetPort targetPort(JsonNode v) {
        if (v.isNull()) return null;
        if (v.isInt()) return new TargetPort.Number(v.intValue());
        if (v.isTextual()) return new TargetPort.Named(v.textValue());
        throw DECLINE;
    }

    /** sessionAffinityConfig.clientIP.timeoutSeconds, null wherever the path ends early. */
    private static Integer affinityTimeout(JsonNode v) {
        ObjectNode config = object(v);
        if (config == null) return null;
        ObjectNode clientIp = null;
        for (Map.Entry<String, JsonNode> f : config.properties()) {
            if (!f.getKey().equals("clientIP")) throw DECLINE;
            clientIp = object(f.getValue());
        }
        if (clientIp == null) return null;
        Integer timeout = null;
        for (Map.Entry<String, JsonNode> f : clientIp.properties()) {
            if (!f.getKey().equals("timeoutSeconds")) throw DECLINE;
            timeout = integer(f.getValue());
        }
        return timeout;
    }

    /** status.loadBalancer.ingress; a status with anything else (conditions) declines. */
    private static List<ServiceLoadBalancer.Ingress> ingress(ObjectNode status) {
        ObjectNode lb = null;
        for (Map.Entry<String, JsonNode> f : status.properties()) {
            if (!f.getKey().equals("loadBalancer")) throw DECLINE;
            lb = object(f.getValue());
        }
        if (lb == null) return List.of();
        List<ServiceLoadBalancer.Ingress> out = List.of();
        for (Map.Entry<String, JsonNode> f : lb.properties()) {
            if (!f.getKey().equals("ingress")) throw DECLINE;
            out = new ArrayList<>();
            for (ObjectNode i : objects(f.getValue())) {
                String ip = null, hostname = null, ipMode = null;
                for (Map.Entry<String, JsonNode> g : i.properties()) {
                    switch (g.getKey()) {
                        case "ip" -> ip = text(g.getValue());
                        case "hostname" -> hostname = text(g.getValue());
                        case "ipMode" -> ipMode = text(g.getValue());
                        default -> throw DECLINE;
                    }
                }
                out.add(new ServiceLoadBalancer.Ingress(ip, hostname, ipMode));
            }
        }
        return out;
    }

    // ---- EndpointSlice

    private static EndpointSlice readSlice(ObjectNode node, UnaryOperator<String> namespace) {
        Meta meta = null;
        String addressType = null;
        List<SlicePort> ports = List.of();
        List<Endpoint> endpoints = List.of();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            JsonNode v = f.getValue();
            switch (f.getKey()) {
                case "apiVersion", "kind" -> text(v);
                case "metadata" -> meta = meta(v);
                case "addressType" -> addressType = text(v);
                case "ports" -> ports = slicePorts(v);
                case "endpoints" -> endpoints = endpoints(v);
                default -> throw DECLINE;
            }
        }
        if (meta == null) throw DECLINE;
        String trigger = meta.annotations == null ? null
                : meta.annotations.get(EndpointSlice.LAST_CHANGE_TRIGGER_TIME_ANNOTATION);
        return new EndpointSlice(new ObjectRef(namespace.apply(meta.namespace), meta.name), meta.labels,
                meta.labels.get(EndpointSlice.SERVICE_NAME_LABEL), addressType, ports, endpoints,
                Optional.ofNullable(Converters.timestamp(trigger)));
    }

    private static List<SlicePort> slicePorts(JsonNode v) {
        List<SlicePort> ports = new ArrayList<>(v == null || !v.isArray() ? 0 : v.size());
        for (ObjectNode p : objects(v)) {
            String name = null, protocol = null, appProtocol = null;
            Integer port = null;
            for (Map.Entry<String, JsonNode> f : p.properties()) {
                JsonNode x = f.getValue();
                switch (f.getKey()) {
                    case "name" -> name = text(x);
                    case "protocol" -> protocol = text(x);
                    case "port" -> port = integer(x);
                    case "appProtocol" -> appProtocol = text(x);
                    default -> throw DECLINE;
                }
            }
            ports.add(new SlicePort(name, protocol, port, appProtocol));
        }
        return ports;
    }

    private static List<Endpoint> endpoints(JsonNode v) {
        List<Endpoint> endpoints = new ArrayList<>(v == null || !v.isArray() ? 0 : v.size());
        for (ObjectNode e : objects(v)) {
            List<String> addresses = List.of(), zoneHints = List.of(), nodeHints = List.of();
            EndpointConditions conditions = EndpointConditions.UNSET;
            String nodeName = null, zone = null, hostname = null;
            for (Map.Entry<String, JsonNode> f : e.properties()) {
                JsonNode x = f.getValue();
                switch (f.getKey()) {
                    case "addresses" -> addresses = texts(x);
                    case "conditions" -> conditions = conditions(x);
                    case "nodeName" -> nodeName = text(x);
                    case "zone" -> zone = text(x);
                    case "hostname" -> hostname = text(x);
                    case "targetRef" -> targetRef(x);
                    case "deprecatedTopology" -> textMap(x);
                    case "hints" -> {
                        ObjectNode hints = object(x);
                        if (hints != null) {
                            for (Map.Entry<String, JsonNode> h : hints.properties()) {
                                switch (h.getKey()) {
                                    case "forZones" -> zoneHints = names(h.getValue());
                                    case "forNodes" -> nodeHints = names(h.getValue());
                                    default -> throw DECLINE;
                                }
                            }
                        }
                    }
                    default -> throw DECLINE;
                }
            }
            endpoints.add(new Endpoint(addresses, conditions, nodeName, zone, hostname, zoneHints, nodeHints));
        }
        return endpoints;
    }

    private static EndpointConditions conditions(JsonNode v) {
        ObjectNode c = object(v);
        if (c == null) return EndpointConditions.UNSET;
        Boolean ready = null, serving = null, terminating = null;
        for (Map.Entry<String, JsonNode> f : c.properties()) {
            switch (f.getKey()) {
                case "ready" -> ready = bool(f.getValue());
                case "serving" -> serving = bool(f.getValue());
                case "terminating" -> terminating = bool(f.getValue());
                default -> throw DECLINE;
            }
        }
        return ready == null && serving == null && terminating == null ? EndpointConditions.UNSET
                : EndpointConditions.of(ready, serving, terminating);
    }

    /** An ObjectReference: only checked (the model keeps none of it). */
    private static void targetRef(JsonNode v) {
        ObjectNode r = object(v);
        if (r == null) return;
        for (Map.Entry<String, JsonNode> f : r.properties()) {
            switch (f.getKey()) {
                case "kind", "name", "namespace", "uid", "apiVersion", "resourceVersion", "fieldPath" -> text(f.getValue());
                default -> throw DECLINE;
            }
        }
    }

    /** The names of hints.forZones or forNodes ({@code [{name: a}]}). */
    private static List<String> names(JsonNode v) {
        List<String> names = new ArrayList<>();
        for (ObjectNode o : objects(v)) {
            String name = null;
            for (Map.Entry<String, JsonNode> f : o.properties()) {
                if (!f.getKey().equals("name")) throw DECLINE;
                name = text(f.getValue());
            }
            names.add(name); // a null name is dropped by the model, as Converters' is
        }
        return names;
    }

    // ---- metadata

    /** What the model keeps of ObjectMeta; labels never null (Converters' empty map for none). */
    private record Meta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations,
                        String creationTimestamp) {
        Instant created() {
            return Converters.timestamp(creationTimestamp);
        }
    }

    private static Meta meta(JsonNode v) {
        ObjectNode m = object(v);
        if (m == null) throw DECLINE;
        String name = null, namespace = null, created = null;
        Map<String, String> labels = Map.of(), annotations = null;
        for (Map.Entry<String, JsonNode> f : m.properties()) {
            JsonNode x = f.getValue();
            switch (f.getKey()) {
                case "name" -> name = text(x);
                case "namespace" -> namespace = text(x);
                case "labels" -> labels = textMap(x);
                case "annotations" -> annotations = textMap(x);
                case "creationTimestamp" -> created = text(x);
                case "resourceVersion", "uid", "generateName", "selfLink", "deletionTimestamp" -> text(x);
                case "generation" -> wholeNumber(x);
                case "finalizers" -> texts(x);
                case "ownerReferences" -> ownerReferences(x);
                default -> throw DECLINE;
            }
        }
        if (name == null || name.isEmpty()) throw DECLINE; // the binding path notes it
        return new Meta(name, namespace, labels, annotations, created);
    }

    /**
     * Only checked (the model keeps none of it): every EndpointSlice the controller writes names its
     * Service as owner, so without this a dump of a real cluster's slices would never be read here.
     */
    private static void ownerReferences(JsonNode v) {
        for (ObjectNode r : objects(v)) {
            for (Map.Entry<String, JsonNode> f : r.properties()) {
                switch (f.getKey()) {
                    case "apiVersion", "kind", "name", "uid" -> text(f.getValue());
                    case "controller", "blockOwnerDeletion" -> bool(f.getValue());
                    default -> throw DECLINE;
                }
            }
        }
    }

    // ---- values: exactly the JSON type that binds, or decline

    /** A String field: text, or null when absent or null. */
    private static String text(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isTextual()) return v.textValue();
        throw DECLINE;
    }

    /** An Integer field: an int, or null. */
    /**
     * Checks a number the model does not keep and fabric8 binds as a {@code Long}: an int or a long node
     * (an API object's watch event arrives with {@code generation} as a long), else declines.
     */
    private static void wholeNumber(JsonNode v) {
        if (v == null || v.isNull() || v.isInt() || v.isLong()) return;
        throw DECLINE;
    }

    private static Integer integer(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isInt()) return v.intValue();
        throw DECLINE;
    }

    /** A Boolean field: true/false, or null. */
    private static Boolean bool(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isBoolean()) return v.booleanValue();
        throw DECLINE;
    }

    /** An object field: a mapping, or null. */
    private static ObjectNode object(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v instanceof ObjectNode o) return o;
        throw DECLINE;
    }

    /** A List of String: texts (null elements skipped, as the model drops them); empty for null. */
    private static List<String> texts(JsonNode v) {
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw DECLINE;
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (e.isNull()) continue;
            if (!e.isTextual()) throw DECLINE;
            out.add(e.textValue());
        }
        return out;
    }

    /** A List of objects: its mappings (null elements skipped, as Converters does); empty for null. */
    private static List<ObjectNode> objects(JsonNode v) {
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw DECLINE;
        List<ObjectNode> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (e.isNull()) continue;
            if (!(e instanceof ObjectNode o)) throw DECLINE;
            out.add(o);
        }
        return out;
    }

    /** A Map of String to String: text or null values; empty for null. */
    private static Map<String, String> textMap(JsonNode v) {
        if (v == null || v.isNull()) return Map.of();
        if (!(v instanceof ObjectNode o)) throw DECLINE;
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> f : o.properties()) out.put(f.getKey(), text(f.getValue()));
        return out;
    }
}
