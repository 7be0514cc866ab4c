package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * One frontend per cluster IP (so per family) and Service port, kind ClusterIP, scope
 * {@link FrontendScope#EXTERNAL}; its endpoint set follows internalTrafficPolicy. Ordered by cluster
 * IP (spec order), then port (spec order).
 */
record ClusterIpExpander() implements FrontendExpander {
    @Override
    public List<PlannedFrontend> expand(ParsedService service, List<IpAddress> nodeAddresses) {
        List<PlannedFrontend> out = new ArrayList<>(service.clusterIps().size() * service.ports().size());
        for (IpAddress vip : service.clusterIps()) {
            for (ParsedPort p : service.ports()) {
                out.addAll(PlannedFrontend.withPolicy(FrontendKind.CLUSTER_IP, vip, p.port(), p,
                        service.trafficPolicies()));
            }
        }
        return out;
    }
}
