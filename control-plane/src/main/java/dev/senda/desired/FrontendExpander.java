package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.List;

/**
 * Second step of desired state: the frontends one kind of Service address gives a Service. One
 * implementation per kind (cluster IPs, node ports, load-balancer IPs, external IPs), chosen per
 * Service type by {@link FrontendExpanders}.
 *
 * <p>Contract: pure; the same Service and node addresses always give the same frontends in the same
 * order; a frontend of family F uses the endpoints of family F only (the calculator feeds it so);
 * each frontend's scope and endpoint set follow the Service's traffic policies
 * ({@link PlannedFrontend#withPolicy}).
 */
sealed interface FrontendExpander
        permits ClusterIpExpander, NodePortExpander, LoadBalancerExpander, ExternalIpExpander {
    /**
     * @param nodeAddresses this node's addresses selected for node ports ({@link NodePortAddresses}),
     *                      sorted; empty while the Node object is unknown
     */
    List<PlannedFrontend> expand(ParsedService service, List<IpAddress> nodeAddresses);
}
