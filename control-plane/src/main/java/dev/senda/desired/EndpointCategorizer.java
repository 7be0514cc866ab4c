package dev.senda.desired;

import dev.senda.model.NodeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Third step of desired state: which endpoints of one Service port a frontend balances over. A pure
 * function after the model of kube-proxy's endpoint categories (pkg/proxy/topology.go).
 *
 * <p>Usable endpoints are the ready ones; when none is ready, the ones still serving while
 * terminating (so connections drain instead of being refused during a rollout). The fallback is
 * decided separately for each set: the local set may fall back while the cluster set does not.
 *
 * <p>Topology: the cluster set is narrowed by the ready endpoints' hints ({@link TopologyMode}): to
 * the endpoints hinted for this node, else to those hinted for this node's zone, else hints are
 * ignored. The local set ignores hints (it is already the closest there is). The terminating
 * fallback needs no topology rule of its own: it applies only when no endpoint is ready, and then
 * the mode is always {@link TopologyMode#NONE}.
 */
final class EndpointCategorizer {
    private EndpointCategorizer() {
    }

    /**
     * Categorizes the endpoints of one Service port.
     *
     * @param endpoints the port's endpoints (any order, duplicates allowed), of one address family
     * @param node      this node; an endpoint is local when its nodeName is this node's name, and
     *                  topology hints are matched against its name and zone
     * @param policies  the Service's traffic policies: the local set is computed only when one of them
     *                  is "Local". The cluster set is always computed: it is cheap, and every Service
     *                  but a ClusterIP one with internalTrafficPolicy Local uses it somewhere (external
     *                  frontends of externalTrafficPolicy Local in their INTERNAL scope)
     */
    static EndpointCategories categorize(List<PortEndpoint> endpoints, NodeInfo node, TrafficPolicies policies) {
        TopologyMode topology = TopologyMode.of(endpoints, node);
        ChosenEndpoints cluster = choose(endpoints, e -> topology.admits(e, node));
        ChosenEndpoints local = policies.usesLocalEndpoints()
                ? choose(endpoints, e -> node.nodeName().equals(e.nodeName()))
                : ChosenEndpoints.NONE;
        return new EndpointCategories(cluster, local);
    }

    /** Ready endpoints among the eligible ones, else the serving-and-terminating ones; sorted, distinct. */
    private static ChosenEndpoints choose(List<PortEndpoint> endpoints, Predicate<PortEndpoint> eligible) {
        // Lists sorted once, not tree sets: a Service's endpoints are few, and the 100,000s of endpoints of
        // a large cluster's full calculation would each cost a tree node that is garbage at once.
        List<BackendAddress> ready = new ArrayList<>(endpoints.size());
        List<BackendAddress> terminating = new ArrayList<>(0);
        for (PortEndpoint e : endpoints) {
            if (!eligible.test(e)) continue;
            if (e.readiness().ready()) {
                ready.add(e.address());
            } else if (e.readiness().servingTerminating()) {
                terminating.add(e.address());
            }
        }
        if (!ready.isEmpty()) return new ChosenEndpoints(sortedDistinct(ready), EndpointState.ACTIVE);
        if (!terminating.isEmpty()) return new ChosenEndpoints(sortedDistinct(terminating), EndpointState.TERMINATING);
        return ChosenEndpoints.NONE;
    }

    /** {@code addresses} in their natural order, each once (as a sorted set would hold them). */
    private static List<BackendAddress> sortedDistinct(List<BackendAddress> addresses) {
        addresses.sort(null);
        int kept = 0;
        for (BackendAddress a : addresses) {
            if (kept == 0 || a.compareTo(addresses.get(kept - 1)) != 0) addresses.set(kept++, a);
        }
        return List.copyOf(addresses.subList(0, kept));
    }
}
