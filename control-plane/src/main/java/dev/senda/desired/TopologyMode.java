package dev.senda.desired;

import dev.senda.model.NodeInfo;

import java.util.List;

/**
 * How topology narrows the cluster endpoint set of one Service port on this node, decided from the
 * ready endpoints' {@link TopologyHints} alone, as kube-proxy decides it (pkg/proxy/topology.go):
 * <ol>
 *   <li>{@link #SAME_NODE} when every ready endpoint has a node hint and at least one names this
 *   node;</li>
 *   <li>else {@link #SAME_ZONE} when every ready endpoint has a zone hint and at least one names this
 *   node's zone (label {@code topology.kubernetes.io/zone} of its Node object);</li>
 *   <li>else {@link #NONE}: hints are ignored, every endpoint is eligible.</li>
 * </ol>
 * The fallback lives in the choice of mode, never in the filter: a mode other than NONE always leaves
 * at least one ready endpoint. Endpoints that are not ready play no part (the terminating fallback,
 * used only when nothing is ready anywhere, ignores topology).
 */
enum TopologyMode {
    NONE, SAME_ZONE, SAME_NODE;

    /** The mode for {@code endpoints} (one Service port, one family) on {@code node}. */
    static TopologyMode of(List<PortEndpoint> endpoints, NodeInfo node) {
        boolean anyReady = false;
        boolean allNodeHinted = true;
        boolean anyForNode = false;
        boolean allZoneHinted = true;
        boolean anyForZone = false;
        for (PortEndpoint e : endpoints) {
            if (!e.readiness().ready()) continue;
            anyReady = true;
            TopologyHints h = e.hints();
            if (h.nodes().isEmpty()) allNodeHinted = false;
            else if (h.forNode(node.nodeName())) anyForNode = true;
            if (h.zones().isEmpty()) allZoneHinted = false;
            else if (h.forZone(node.zone())) anyForZone = true;
        }
        if (!anyReady) return NONE;
        if (allNodeHinted && anyForNode) return SAME_NODE;
        if (allZoneHinted && anyForZone) return SAME_ZONE;
        return NONE;
    }

    /** Whether {@code endpoint} may serve this node in this mode. */
    boolean admits(PortEndpoint endpoint, NodeInfo node) {
        return switch (this) {
            case NONE -> true;
            case SAME_ZONE -> endpoint.hints().forZone(node.zone());
            case SAME_NODE -> endpoint.hints().forNode(node.nodeName());
        };
    }
}
