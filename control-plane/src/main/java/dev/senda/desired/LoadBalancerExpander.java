package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * Load-balancer frontends: one per ingress IP ({@link ExternalAddresses#loadBalancerIps()}: ipMode VIP
 * or unset) and Service port, on the Service port, kind LoadBalancer; scopes and endpoint sets follow
 * externalTrafficPolicy. Ordered by ingress IP (status order), then port.
 */
record LoadBalancerExpander() implements FrontendExpander {
    @Override
    public List<PlannedFrontend> expand(ParsedService service, List<IpAddress> nodeAddresses) {
        List<PlannedFrontend> out = new ArrayList<>();
        for (IpAddress ip : service.external().loadBalancerIps()) {
            for (ParsedPort p : service.ports()) {
                out.addAll(PlannedFrontend.withPolicy(FrontendKind.LOAD_BALANCER, ip, p.port(), p,
                        service.trafficPolicies()));
            }
        }
        return out;
    }
}
