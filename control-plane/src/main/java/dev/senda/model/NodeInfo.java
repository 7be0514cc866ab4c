package dev.senda.model;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What desired state may know about the node the agent runs on: an input, built by the agent from
 * its own {@link Node} object (by {@code --node-name}) with {@link #of}.
 *
 * <p>Until the Node object is seen (no RBAC for nodes yet, a directory without it, a node not yet
 * registered) only the name is known: {@link #seen()} is false and there are no addresses, so
 * ClusterIP, externalIP and load-balancer frontends work and NodePort frontends wait for the Node.
 *
 * @param nodeName         this node's name; an endpoint is local when its nodeName equals it
 * @param zone             label {@value Node#ZONE_LABEL}; null when absent
 * @param primaryAddresses the node's primary address per family, IPv4 first: its first InternalIP of
 *                         that family, else its first ExternalIP of that family (the rule kubelet and
 *                         kube-proxy use for node IPs)
 * @param allAddresses     every InternalIP and ExternalIP of the Node object that is an IP literal,
 *                         each once, in the object's order (Hostname and DNS entries carry no address)
 * @param deleting         whether the Node has a deletionTimestamp (for the health check, later)
 * @param seen             whether the Node object was there at all
 */
public record NodeInfo(String nodeName, String zone, List<IpAddress> primaryAddresses, List<IpAddress> allAddresses,
                       boolean deleting, boolean seen) {
    public NodeInfo {
        Objects.requireNonNull(nodeName, "nodeName");
        primaryAddresses = List.copyOf(primaryAddresses);
        allAddresses = List.copyOf(allAddresses);
    }

    /** A node known by name only (its Node object not seen). */
    public NodeInfo(String nodeName) {
        this(nodeName, null, List.of(), List.of(), false, false);
    }

    /**
     * What {@code node} says about the node named {@code nodeName}.
     *
     * @param node the Node object; null when the source has none (then {@link #NodeInfo(String)})
     */
    public static NodeInfo of(String nodeName, Node node) {
        if (node == null) return new NodeInfo(nodeName);
        List<IpAddress> all = new ArrayList<>();
        for (Node.Address a : node.addresses()) {
            if (!Node.Address.INTERNAL_IP.equals(a.type()) && !Node.Address.EXTERNAL_IP.equals(a.type())) continue;
            Optional<IpAddress> ip = a.address() == null ? Optional.empty() : IpAddress.parse(a.address());
            if (ip.isPresent() && !all.contains(ip.get())) all.add(ip.get());
        }
        List<IpAddress> primary = new ArrayList<>();
        for (IpFamily family : IpFamily.values()) {
            first(node, Node.Address.INTERNAL_IP, family)
                    .or(() -> first(node, Node.Address.EXTERNAL_IP, family))
                    .ifPresent(primary::add);
        }
        return new NodeInfo(nodeName, node.labels().get(Node.ZONE_LABEL), primary, all, node.deleting(), true);
    }

    private static Optional<IpAddress> first(Node node, String type, IpFamily family) {
        for (Node.Address a : node.addresses()) {
            if (!type.equals(a.type()) || a.address() == null) continue;
            Optional<IpAddress> ip = IpAddress.parse(a.address()).filter(i -> i.family() == family);
            if (ip.isPresent()) return ip;
        }
        return Optional.empty();
    }
}
