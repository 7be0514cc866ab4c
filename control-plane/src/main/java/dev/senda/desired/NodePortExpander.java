package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * Node-port frontends: for each Service port with a node port ({@link ExternalAddresses#nodePorts()}),
 * one frontend per selected node address of a family the Service has a cluster IP of, on the node
 * port, kind NodePort; scopes and endpoint sets follow externalTrafficPolicy. Ordered by port (spec
 * order), then node address. While the Node object is unknown there is no node address, hence no
 * frontend (the agent logs that it waits for the Node).
 */
record NodePortExpander() implements FrontendExpander {
    @Override
    public List<PlannedFrontend> expand(ParsedService service, List<IpAddress> nodeAddresses) {
        List<PlannedFrontend> out = new ArrayList<>();
        for (ParsedPort p : service.ports()) {
            Integer nodePort = service.external().nodePorts().get(p);
            if (nodePort == null) continue;
            for (IpAddress node : nodeAddresses) {
                if (service.clusterIps().stream().noneMatch(ip -> ip.family() == node.family())) continue;
                out.addAll(PlannedFrontend.withPolicy(FrontendKind.NODE_PORT, node, nodePort, p,
                        service.trafficPolicies()));
            }
        }
        return out;
    }
}
