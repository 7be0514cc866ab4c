package dev.senda.desired;

import java.util.ArrayList;
import java.util.List;

/** Which {@link FrontendExpander}s apply to each Service type, and their combined output. */
final class FrontendExpanders {
    private static final FrontendExpander CLUSTER_IP = new ClusterIpExpander();

    private FrontendExpanders() {
    }

    /** The expanders of one Service type, in the order their frontends are listed. */
    static List<FrontendExpander> of(ServiceType type) {
        return switch (type) {
            case CLUSTER_IP -> List.of(CLUSTER_IP);
            // kube-proxy programs the cluster IP of NodePort and LoadBalancer Services too; their node
            // ports and load-balancer addresses join here as expanders of their own.
            case NODE_PORT, LOAD_BALANCER -> List.of(CLUSTER_IP);
        };
    }

    /** Every frontend of the Service, expander by expander. */
    static List<PlannedFrontend> expand(ParsedService service) {
        List<PlannedFrontend> out = new ArrayList<>();
        for (FrontendExpander e : of(service.type())) out.addAll(e.expand(service));
        return out;
    }
}
