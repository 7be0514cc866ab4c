package dev.senda.desired;

import dev.senda.model.NodeInfo;
import dev.senda.model.Service;
import dev.senda.model.Snapshot;
import dev.senda.net.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Desired load-balancer state as a pure function of the objects and the node: no I/O (but debug log
 * lines), no clock, no DNS; the same input always gives the same output (golden-tested). It composes four steps, each in
 * its own class:
 * <ol>
 *   <li>{@link ServiceParser}: a Service to a {@link ParsedService} (cluster IPs per family, ports,
 *   type), or skipped (ExternalName, headless, another proxy's), or rejected with every reason;</li>
 *   <li>{@link FrontendExpanders}: the frontends of each Service, one {@link FrontendExpander} per kind
 *   of address (cluster IPs today, for every type: NodePort and LoadBalancer Services get their
 *   ClusterIP frontends, as with kube-proxy);</li>
 *   <li>{@link ConflictResolver}: a frontend claimed by two Services goes to the older one, the other
 *   Service is rejected;</li>
 *   <li>{@link EndpointCategorizer}: the backends of each frontend, from the endpoints of its Service
 *   port in EndpointSlices of its family ({@link ServiceEndpoints}): ready, else serving-and-
 *   terminating ({@link EndpointState#TERMINATING}); sorted, each address once. A frontend without
 *   usable endpoints is kept with no backends, so the datapath refuses connections instead of
 *   letting them time out.</li>
 * </ol>
 * Malformed objects become {@link Rejection}s naming the object and the reason; a rejected Service
 * is not programmed at all, a rejected part of an EndpointSlice is skipped; everything else is
 * unaffected.
 */
public final class DesiredStateCalculator {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredStateCalculator.class);

    /** Computes the desired state. */
    public DesiredState calculate(Snapshot snapshot, NodeInfo node) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(node, "node");
        List<Rejection> rejections = new ArrayList<>();
        List<ConflictResolver.Claim> claims = new ArrayList<>();
        for (Service svc : snapshot.services().values()) {
            switch (ServiceParser.parse(svc)) {
                case ServiceParse.Accepted(ParsedService s) ->
                        claims.add(new ConflictResolver.Claim(s, FrontendExpanders.expand(s)));
                case ServiceParse.Rejected(List<String> reasons) ->
                        reasons.forEach(r -> rejections.add(new Rejection(Rejection.SERVICE, svc.ref(), r)));
                case ServiceParse.Skipped(String why) -> LOG.debug("Service {} skipped: {}", svc.ref(), why);
            }
        }
        ConflictResolver.Resolution resolution = ConflictResolver.resolve(claims);
        rejections.addAll(resolution.rejections());

        ServiceEndpoints endpoints = new ServiceEndpoints(snapshot.endpointSlices().values());
        TreeMap<Frontend, DesiredFrontend> frontends = new TreeMap<>();
        for (ConflictResolver.Claim claim : resolution.accepted()) {
            for (DesiredFrontend df : withBackends(claim, endpoints, node)) frontends.put(df.frontend(), df);
        }
        rejections.addAll(endpoints.rejections());
        rejections.sort(Rejection.ORDER); // stable: one object's reasons keep their order
        return new DesiredState(new LbState(frontends), rejections);
    }

    /** The claim's frontends, each with the backends of its endpoint category. */
    private static List<DesiredFrontend> withBackends(ConflictResolver.Claim claim, ServiceEndpoints endpoints,
                                                      NodeInfo node) {
        ParsedService svc = claim.service();
        // Frontends of one port and family share their endpoints: categorize once.
        Map<PortFamily, EndpointCategories> categorized = new HashMap<>();
        List<DesiredFrontend> out = new ArrayList<>(claim.frontends().size());
        for (PlannedFrontend pf : claim.frontends()) {
            EndpointCategories c = categorized.computeIfAbsent(new PortFamily(pf.port(), pf.frontend().family()),
                    k -> EndpointCategorizer.categorize(endpoints.of(svc.ref(), k.port(), k.family()), node,
                            svc.trafficPolicies()));
            out.add(new DesiredFrontend(pf.frontend(), svc.portName(pf.port()), c.get(pf.endpoints()).backends(),
                    svc.affinity()));
        }
        return out;
    }

    private record PortFamily(ParsedPort port, IpFamily family) {
    }
}
