package dev.senda.desired.policy;

import dev.senda.desired.Rejection;
import dev.senda.model.Namespace;
import dev.senda.model.NetworkPolicy;
import dev.senda.model.ObjectRef;
import dev.senda.model.Pod;
import dev.senda.model.Snapshot;
import dev.senda.net.IpAddress;
import dev.senda.source.Kinds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster as NetworkPolicy sees it, read once per compile: the pods that can be peers, every
 * namespace's labels, and every policy validated.
 *
 * @param pods       the pods that count ({@link PeerPod#of}), sorted by ref
 * @param namespaces labels by namespace name, each with {@value Namespace#NAME_LABEL} set
 * @param policies   valid parts of every policy, by namespace, each list sorted by ref
 * @param rejections what validation refused, by policy
 */
record PolicyInputs(List<PeerPod> pods, Map<String, Map<String, String>> namespaces,
                    Map<String, List<ParsedPolicy>> policies, Map<ObjectRef, List<Rejection>> rejections) {

    /**
     * A pod that takes part in NetworkPolicy: not hostNetwork (its traffic is the node's), not finished
     * (its IPs may already belong to another pod), with at least one valid IP.
     *
     * @param ips   sorted, one per family normally
     * @param ports its named container ports
     */
    record PeerPod(ObjectRef ref, Map<String, String> labels, String nodeName, List<IpAddress> ips,
                   List<Pod.NamedPort> ports) {
        /** Why {@code pod} takes no part, or empty when it does. */
        static Optional<String> excluded(Pod pod) {
            if (pod.hostNetwork()) return Optional.of("hostNetwork pod: its traffic is the node's, no policy applies");
            if ("Succeeded".equals(pod.phase()) || "Failed".equals(pod.phase())) {
                return Optional.of("pod has finished (phase " + pod.phase() + ")");
            }
            if (ips(pod).isEmpty()) return Optional.of("pod has no IP yet");
            return Optional.empty();
        }

        static Optional<PeerPod> of(Pod pod) {
            if (excluded(pod).isPresent()) return Optional.empty();
            return Optional.of(new PeerPod(pod.ref(), pod.labels(), pod.nodeName(), ips(pod), pod.ports()));
        }

        private static List<IpAddress> ips(Pod pod) {
            List<IpAddress> out = new ArrayList<>();
            for (String s : pod.podIPs()) IpAddress.parse(s).filter(a -> !out.contains(a)).ifPresent(out::add);
            out.sort(null);
            return List.copyOf(out);
        }
    }

    static PolicyInputs of(Snapshot snapshot) {
        List<PeerPod> pods = new ArrayList<>();
        for (Pod p : snapshot.all(Kinds.POD).values()) PeerPod.of(p).ifPresent(pods::add);
        Map<String, Map<String, String>> namespaces = new HashMap<>();
        for (Namespace ns : snapshot.all(Kinds.NAMESPACE).values()) {
            namespaces.put(ns.name(), withNameLabel(ns.name(), ns.labels()));
        }
        Map<String, List<ParsedPolicy>> policies = new HashMap<>();
        Map<ObjectRef, List<Rejection>> rejections = new TreeMap<>();
        for (NetworkPolicy np : snapshot.all(Kinds.NETWORK_POLICY).values()) {
            PolicyParser.Result r = PolicyParser.parse(np);
            policies.computeIfAbsent(np.ref().namespace(), k -> new ArrayList<>()).add(r.policy());
            if (!r.rejections().isEmpty()) rejections.put(np.ref(), r.rejections());
        }
        return new PolicyInputs(List.copyOf(pods), namespaces, policies, rejections);
    }

    /**
     * The labels of namespace {@code name}. The API server sets {@value Namespace#NAME_LABEL} to the
     * name on every namespace; it is set here too when the object lacks it (a hand-written file) or when
     * no Namespace object was delivered at all, as the label is there in any real cluster.
     */
    Map<String, String> namespaceLabels(String name) {
        Map<String, String> labels = namespaces.get(name);
        return labels != null ? labels : Map.of(Namespace.NAME_LABEL, name);
    }

    List<ParsedPolicy> policiesIn(String namespace) {
        return policies.getOrDefault(namespace, List.of());
    }

    private static Map<String, String> withNameLabel(String name, Map<String, String> labels) {
        // The API server keeps this label equal to the name, whatever an object says.
        if (name.equals(labels.get(Namespace.NAME_LABEL))) return labels;
        Map<String, String> out = new TreeMap<>(labels);
        out.put(Namespace.NAME_LABEL, name);
        return out;
    }
}
