package dev.senda.testbed;

/** How a {@link Cluster}'s nodes reach each other's pod ranges. */
public enum PodRouting {
    /**
     * Plain routes: each node routes every other node's pod ranges via that node's address on the
     * node network (what Calico's BGP mode ends up with, or host-gw).
     */
    ROUTES,
    /**
     * A kernel VXLAN overlay as Flannel's vxlan backend sets it up: a device {@value Cluster#VXLAN_DEVICE}
     * per node (VNI 1, UDP 8472 over the node network, no learning) holding the node's pod network
     * address (10.244.N.0/32, fd00:10:244:N::/128), and per other node a route of its pod ranges via
     * its overlay address (onlink), a permanent neighbour entry for that address and a forwarding entry
     * sending its MAC to its node address.
     */
    VXLAN
}
