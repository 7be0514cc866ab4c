package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * External-IP frontends: one per {@code spec.externalIPs} entry ({@link ExternalAddresses#externalIps()})
 * and Service port, on the Service port, kind ExternalIP, for every Service type Senda programs;
 * scopes and endpoint sets follow externalTrafficPolicy. Ordered by external IP (spec order), then port.
 */
record ExternalIpExpander() implements FrontendExpander {
    @Override
    public List<PlannedFrontend> expand(ParsedService service, List<IpAddress> nodeAddresses) {
        List<PlannedFrontend> out = new ArrayList<>();
        for (IpAddress ip : service.external().externalIps()) {
            for (ParsedPort p : service.ports()) {
                out.addAll(PlannedFrontend.withPolicy(FrontendKind.EXTERNAL_IP, ip, p.port(), p,
                        service.trafficPolicies()));
            }
        }
        return out;
    }
}
