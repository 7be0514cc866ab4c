package dev.senda.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What Senda needs of a Kubernetes Node, after the source boundary. Cluster-scoped: {@code ref} has
 * namespace "". Everything is kept as given; {@link NodeInfo#of} derives what desired state uses.
 *
 * @param ref           "" / metadata.name
 * @param labels        metadata.labels (never null), e.g. {@value #ZONE_LABEL}
 * @param addresses     status.addresses in the object's order (never null)
 * @param deleting      whether metadata.deletionTimestamp is set
 * @param taints        spec.taints (never null)
 * @param unschedulable spec.unschedulable; null when absent
 */
public record Node(ObjectRef ref, Map<String, String> labels, List<Address> addresses, boolean deleting,
                   List<Taint> taints, Boolean unschedulable) {
    /** The well-known label naming the node's zone. */
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    public Node {
        Objects.requireNonNull(ref, "ref");
        labels = Immutables.map(labels);
        addresses = Immutables.list(addresses);
        taints = Immutables.list(taints);
    }

    /**
     * One entry of status.addresses.
     *
     * @param type    "InternalIP", "ExternalIP", "Hostname", "InternalDNS", "ExternalDNS" or whatever
     *                the object said; null when absent
     * @param address as given; null when absent
     */
    public record Address(String type, String address) {
        public static final String INTERNAL_IP = "InternalIP";
        public static final String EXTERNAL_IP = "ExternalIP";
    }

    /** One entry of spec.taints, as given (any part null when absent). */
    public record Taint(String key, String value, String effect) {
    }
}
