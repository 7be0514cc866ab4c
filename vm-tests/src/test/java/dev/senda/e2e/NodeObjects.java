package dev.senda.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;

import java.util.List;

/** v1 Node objects as the kubelet registers them, for the mock API server of a two-node e2e cluster. */
final class NodeObjects {
    /** The well-known zone label (topology hints, trafficDistribution PreferSameZone). */
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private NodeObjects() {
    }

    /**
     * A Ready Node named {@code name} with the {@code kubernetes.io/hostname} and zone labels, and
     * {@code internalIps} as its InternalIP addresses in the given order (the kubelet lists the
     * primary family first; kube-proxy takes the first of each family as the node's primary IP).
     */
    static Node node(String name, String zone, List<String> internalIps) {
        return new NodeBuilder()
                .withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/hostname", name)
                .addToLabels(ZONE_LABEL, zone)
                .endMetadata()
                .withNewStatus()
                .withAddresses(internalIps.stream()
                        .map(ip -> new NodeAddressBuilder().withType("InternalIP").withAddress(ip).build()).toList())
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus()
                .build();
    }

    /** The InternalIP addresses of a Node, in order. */
    static List<String> internalIps(Node node) {
        return node.getStatus().getAddresses().stream().filter(a -> a.getType().equals("InternalIP"))
                .map(a -> a.getAddress()).toList();
    }
}
