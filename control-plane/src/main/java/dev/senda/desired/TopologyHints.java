package dev.senda.desired;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Where the EndpointSlice controller wants an endpoint used: its {@code hints.forZones} and
 * {@code hints.forNodes}, as sets of names. The controller writes them for Services with
 * {@code spec.trafficDistribution} (PreferClose, PreferSameZone, PreferSameNode) or the annotation
 * {@code service.kubernetes.io/topology-mode: Auto}; like kube-proxy, Senda reads only the hints and
 * never the Service field, so that one controller decides for every proxy.
 *
 * @param zones the zones it is hinted for; empty: no zone hint
 * @param nodes the nodes it is hinted for; empty: no node hint
 */
record TopologyHints(Set<String> zones, Set<String> nodes) {
    /** No hint at all. */
    static final TopologyHints NONE = new TopologyHints(Set.of(), Set.of());

    TopologyHints {
        zones = Set.copyOf(zones);
        nodes = Set.copyOf(nodes);
    }

    /** Hints from the names as a slice lists them (duplicates allowed, no nulls). */
    static TopologyHints of(Collection<String> zones, Collection<String> nodes) {
        Objects.requireNonNull(zones, "zones");
        Objects.requireNonNull(nodes, "nodes");
        if (zones.isEmpty() && nodes.isEmpty()) return NONE;
        return new TopologyHints(Set.copyOf(zones), Set.copyOf(nodes));
    }

    /** Whether a node hint names {@code nodeName}. */
    boolean forNode(String nodeName) {
        return nodeName != null && nodes.contains(nodeName);
    }

    /** Whether a zone hint names {@code zone}; a node without a zone label matches none. */
    boolean forZone(String zone) {
        return zone != null && zones.contains(zone);
    }
}
