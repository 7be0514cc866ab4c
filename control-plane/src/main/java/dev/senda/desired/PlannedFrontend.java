package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.List;
import java.util.Objects;

/**
 * A frontend an expander gives a Service, before endpoints are chosen.
 *
 * @param frontend  the frontend
 * @param port      the Service port it serves (whose endpoints become its backends)
 * @param endpoints which endpoint set its backends come from
 * @param kind      which kind of Service address it is
 */
record PlannedFrontend(Frontend frontend, ParsedPort port, EndpointCategory endpoints, FrontendKind kind) {
    PlannedFrontend {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(frontend, "frontend");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(endpoints, "endpoints");
    }

    /**
     * The frontends of one address:port/proto of {@code kind}, with the scope and endpoint set its
     * traffic policy gives (see the package documentation, "Scopes"):
     * <ul>
     *   <li>ClusterIP: one frontend, scope EXTERNAL (the scope every datapath lookup starts with), with
     *   the local set when internalTrafficPolicy is Local, else the cluster set;</li>
     *   <li>an external kind with externalTrafficPolicy Cluster: one frontend, scope EXTERNAL, cluster set;</li>
     *   <li>an external kind with externalTrafficPolicy Local: scope EXTERNAL with the local set, for
     *   traffic from outside the cluster, and scope INTERNAL with the cluster set, for traffic from this
     *   node's pods and host (kube-proxy sends those to the cluster endpoints too, so that in-cluster
     *   clients of a load-balancer IP never lose their connection to a node without endpoints).</li>
     * </ul>
     */
    static List<PlannedFrontend> withPolicy(FrontendKind kind, IpAddress address, int port, ParsedPort servicePort,
                                            TrafficPolicies policies) {
        if (!kind.external()) {
            return List.of(new PlannedFrontend(new Frontend(address, port, servicePort.proto(), FrontendScope.EXTERNAL),
                    servicePort, policies.internalLocal() ? EndpointCategory.LOCAL : EndpointCategory.CLUSTER, kind));
        }
        Frontend external = new Frontend(address, port, servicePort.proto(), FrontendScope.EXTERNAL);
        if (!policies.externalLocal()) {
            return List.of(new PlannedFrontend(external, servicePort, EndpointCategory.CLUSTER, kind));
        }
        return List.of(new PlannedFrontend(external, servicePort, EndpointCategory.LOCAL, kind),
                new PlannedFrontend(new Frontend(address, port, servicePort.proto(), FrontendScope.INTERNAL), servicePort,
                        EndpointCategory.CLUSTER, kind));
    }
}
