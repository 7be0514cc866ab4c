package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * Which {@link FrontendExpander}s apply to each Service type, and their combined output. As with
 * kube-proxy, each type includes the one before it: NodePort Services get their cluster IPs, and
 * LoadBalancer Services their cluster IPs and node ports (with allocateLoadBalancerNodePorts false,
 * only the ones the caller gave: {@link ExternalAddresses#nodePorts()}). External IPs apply to every
 * type that gets here (ExternalName never does).
 */
final class FrontendExpanders {
    private static final FrontendExpander CLUSTER_IP = new ClusterIpExpander();
    private static final FrontendExpander NODE_PORT = new NodePortExpander();
    private static final FrontendExpander LOAD_BALANCER = new LoadBalancerExpander();
    private static final FrontendExpander EXTERNAL_IP = new ExternalIpExpander();

    private FrontendExpanders() {
    }

    /** The expanders of one Service type, in the order their frontends are listed. */
    static List<FrontendExpander> of(ServiceType type) {
        return switch (type) {
            case CLUSTER_IP -> List.of(CLUSTER_IP, EXTERNAL_IP);
            case NODE_PORT -> List.of(CLUSTER_IP, NODE_PORT, EXTERNAL_IP);
            case LOAD_BALANCER -> List.of(CLUSTER_IP, NODE_PORT, LOAD_BALANCER, EXTERNAL_IP);
        };
    }

    /** Every frontend of the Service, expander by expander. */
    static List<PlannedFrontend> expand(ParsedService service, List<IpAddress> nodeAddresses) {
        List<PlannedFrontend> out = new ArrayList<>();
        for (FrontendExpander e : of(service.type())) out.addAll(e.expand(service, nodeAddresses));
        return out;
    }
}
