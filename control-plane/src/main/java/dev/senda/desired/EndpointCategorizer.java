package dev.senda.desired;

import dev.senda.model.NodeInfo;

import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Third step of desired state: which endpoints of one Service port a frontend balances over. A pure
 * function after the model of kube-proxy's endpoint categories (pkg/proxy/topology.go).
 *
 * <p>Usable endpoints are the ready ones; when none is ready, the ones still serving while
 * terminating (so connections drain instead of being refused during a rollout). The fallback is
 * decided separately for each set: the local set may fall back while the cluster set does not.
 *
 * <p>Topology (extension point, not applied yet): kube-proxy narrows the ready cluster endpoints to
 * those hinted for this node's zone when every ready endpoint carries a zone hint and at least one
 * names the node's zone, and otherwise ignores hints. That filter belongs at the marked place below,
 * before the fallback, and needs {@link PortEndpoint#zoneHints()} filled and the node's zone in
 * {@link NodeInfo}. The local set ignores hints.
 */
final class EndpointCategorizer {
    private EndpointCategorizer() {
    }

    /**
     * Categorizes the endpoints of one Service port.
     *
     * @param endpoints the port's endpoints (any order, duplicates allowed), of one address family
     * @param node      this node; an endpoint is local when its nodeName is this node's name
     * @param policies  the Service's traffic policies: the local set is computed only when one of them
     *                  is "Local". The cluster set is always computed: it is cheap, and every Service
     *                  but a ClusterIP one with internalTrafficPolicy Local uses it somewhere (external
     *                  frontends of externalTrafficPolicy Local in their INTERNAL scope)
     */
    static EndpointCategories categorize(List<PortEndpoint> endpoints, NodeInfo node, TrafficPolicies policies) {
        // Topology hints would narrow the cluster set's ready endpoints here.
        ChosenEndpoints cluster = choose(endpoints, e -> true);
        ChosenEndpoints local = policies.usesLocalEndpoints()
                ? choose(endpoints, e -> node.nodeName().equals(e.nodeName()))
                : ChosenEndpoints.NONE;
        return new EndpointCategories(cluster, local);
    }

    /** Ready endpoints among the eligible ones, else the serving-and-terminating ones; sorted, distinct. */
    private static ChosenEndpoints choose(List<PortEndpoint> endpoints, Predicate<PortEndpoint> eligible) {
        TreeSet<BackendAddress> ready = new TreeSet<>();
        TreeSet<BackendAddress> terminating = new TreeSet<>();
        for (PortEndpoint e : endpoints) {
            if (!eligible.test(e)) continue;
            if (e.readiness().ready()) {
                ready.add(e.address());
            } else if (e.readiness().servingTerminating()) {
                terminating.add(e.address());
            }
        }
        if (!ready.isEmpty()) return new ChosenEndpoints(List.copyOf(ready), EndpointState.ACTIVE);
        if (!terminating.isEmpty()) return new ChosenEndpoints(List.copyOf(terminating), EndpointState.TERMINATING);
        return ChosenEndpoints.NONE;
    }
}
