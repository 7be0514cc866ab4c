package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * One frontend per cluster IP (so per family) and Service port, in scope {@link FrontendScope#EXTERNAL},
 * balancing over the cluster endpoint set. Ordered by cluster IP (spec order), then port (spec order).
 *
 * <p>Traffic policies are not applied yet: internalTrafficPolicy "Local" will give these frontends the
 * local set instead.
 */
record ClusterIpExpander() implements FrontendExpander {
    @Override
    public List<PlannedFrontend> expand(ParsedService service) {
        List<PlannedFrontend> out = new ArrayList<>(service.clusterIps().size() * service.ports().size());
        for (IpAddress vip : service.clusterIps()) {
            for (ParsedPort p : service.ports()) {
                Frontend f = new Frontend(vip, p.port(), p.proto(), FrontendScope.EXTERNAL);
                out.add(new PlannedFrontend(f, p, EndpointCategory.CLUSTER));
            }
        }
        return out;
    }
}
