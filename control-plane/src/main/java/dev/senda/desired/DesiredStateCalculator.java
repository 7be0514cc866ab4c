package dev.senda.desired;

import dev.senda.model.Endpoint;
import dev.senda.model.EndpointSlice;
import dev.senda.model.Node;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectKind;
import dev.senda.model.Service;
import dev.senda.model.Snapshot;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Desired load-balancer state as a pure function of the objects and the node: no I/O (but debug log
 * lines), no clock, no DNS; the same input always gives the same output (golden-tested). It composes four steps, each in
 * its own class:
 * <ol>
 *   <li>{@link ServiceParser}: a Service to a {@link ParsedService} (cluster IPs per family, ports,
 *   type), or skipped (ExternalName, headless, another proxy's), or rejected with every reason;</li>
 *   <li>{@link FrontendExpanders}: the frontends of each Service, one {@link FrontendExpander} per kind
 *   of address (cluster IPs, node ports on the node addresses {@link NodePortAddresses} selects,
 *   load-balancer IPs, external IPs), each with the scope and endpoint set its traffic policy gives.
 *   Load-balancer IPs that are a node's or a pod's address are left out first;</li>
 *   <li>{@link ConflictResolver}: a frontend claimed by two Services goes to the older one, the other
 *   Service is rejected;</li>
 *   <li>{@link EndpointCategorizer}: the backends of each frontend, from the endpoints of its Service
 *   port in EndpointSlices of its family ({@link ServiceEndpoints}): ready, else serving-and-
 *   terminating ({@link EndpointState#TERMINATING}); sorted, each address once. A frontend without
 *   usable endpoints is kept with no backends, so the datapath refuses connections instead of
 *   letting them time out (for the external kinds kube-proxy drops instead: see the package
 *   documentation).</li>
 * </ol>
 * Then {@link HealthCheckPorts}: the health-check node ports of the accepted Services, with their
 * counts of local ready endpoints.
 * Malformed objects become {@link Rejection}s naming the object and the reason; a rejected Service
 * is not programmed at all, a rejected external part of a Service (a node port, an ingress or
 * external IP) or part of an EndpointSlice is skipped; everything else is unaffected.
 */
public final class DesiredStateCalculator {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredStateCalculator.class);
    /** Nodes as desired state reads them (the snapshot keys its tables by model type). */
    private static final ObjectKind<Node> NODES = ObjectKind.of("Node", Node.class, Node::ref);

    private final NodePortAddresses nodePortAddresses;

    /** With node ports on each family's primary node address (the default of --nodeport-addresses). */
    public DesiredStateCalculator() {
        this(NodePortAddresses.PRIMARY);
    }

    public DesiredStateCalculator(NodePortAddresses nodePortAddresses) {
        this.nodePortAddresses = Objects.requireNonNull(nodePortAddresses, "nodePortAddresses");
    }

    /** Computes the desired state. */
    public DesiredState calculate(Snapshot snapshot, NodeInfo node) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(node, "node");
        List<IpAddress> nodeAddresses = nodePortAddresses.select(node);
        Set<IpAddress> reserved = null; // computed when the first load-balancer IP needs it
        List<Rejection> rejections = new ArrayList<>();
        List<ConflictResolver.Claim> claims = new ArrayList<>();
        for (Service svc : snapshot.services().values()) {
            switch (ServiceParser.parse(svc)) {
                case ServiceParse.Accepted(ParsedService parsed, List<String> skipped) -> {
                    skipped.forEach(r -> rejections.add(new Rejection(Rejection.SERVICE, svc.ref(), r)));
                    ParsedService s = parsed;
                    if (!s.external().loadBalancerIps().isEmpty()) {
                        if (reserved == null) reserved = reservedAddresses(snapshot);
                        s = s.withExternal(s.external().withoutReserved(reserved,
                                r -> rejections.add(new Rejection(Rejection.SERVICE, svc.ref(), r))));
                    }
                    claims.add(new ConflictResolver.Claim(s, FrontendExpanders.expand(s, nodeAddresses)));
                }
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
            // One Service may name an address twice (an external IP equal to its own cluster IP, an
            // ingress IP also listed in externalIPs): the first kind listed keeps it, with the same backends.
            for (DesiredFrontend df : withBackends(claim, endpoints, node)) frontends.putIfAbsent(df.frontend(), df);
        }
        List<HealthCheckServer> healthChecks = HealthCheckPorts.of(
                resolution.accepted().stream().map(ConflictResolver.Claim::service).toList(),
                ref -> snapshot.services().get(ref).loadBalancer().healthCheckNodePort(), endpoints, node, rejections);
        rejections.addAll(endpoints.rejections());
        rejections.sort(Rejection.ORDER); // stable: one object's reasons keep their order
        return new DesiredState(new LbState(frontends), rejections, new HealthChecks(nodeAddresses, healthChecks));
    }

    /** The claim's frontends, each with the backends of its endpoint category. */
    private static List<DesiredFrontend> withBackends(ConflictResolver.Claim claim, ServiceEndpoints endpoints,
                                                      NodeInfo node) {
        ParsedService svc = claim.service();
        // Frontends of one port and family share their endpoints: categorize once.
        Map<PortFamily, EndpointCategories> categorized = new HashMap<>();
        List<DesiredFrontend> out = new ArrayList<>(claim.frontends().size());
        Set<Frontend> planned = new HashSet<>();
        for (PlannedFrontend pf : claim.frontends()) planned.add(pf.frontend());
        for (PlannedFrontend pf : claim.frontends()) {
            EndpointCategories c = categorized.computeIfAbsent(new PortFamily(pf.port(), pf.frontend().family()),
                    k -> EndpointCategorizer.categorize(endpoints.of(svc.ref(), k.port(), k.family()), node,
                            svc.trafficPolicies()));
            List<DesiredBackend> backends = c.get(pf.endpoints()).backends();
            // kube-proxy drops (rather than rejects) when only the local set is empty
            boolean dropWhenEmpty = pf.endpoints() == EndpointCategory.LOCAL && backends.isEmpty()
                    && !c.get(EndpointCategory.CLUSTER).backends().isEmpty();
            Frontend f = pf.frontend();
            boolean twoScopes = f.scope() == FrontendScope.EXTERNAL
                    && planned.contains(new Frontend(f.address(), f.port(), f.proto(), FrontendScope.INTERNAL));
            out.add(new DesiredFrontend(f, svc.portName(pf.port()), backends, pf.kind(), svc.affinity(),
                    SourceRanges.of(svc, pf.kind(), f.family(), node), dropWhenEmpty, twoScopes));
        }
        return out;
    }

    /**
     * Every address of every Node object and every endpoint address of every EndpointSlice: a
     * load-balancer IP among them would take over that node's or pod's own traffic on the port.
     */
    private static Set<IpAddress> reservedAddresses(Snapshot snapshot) {
        Set<IpAddress> out = new HashSet<>();
        for (Node n : snapshot.all(NODES).values()) {
            for (Node.Address a : n.addresses()) {
                if (a.address() != null) IpAddress.parse(a.address()).ifPresent(out::add);
            }
        }
        for (EndpointSlice slice : snapshot.endpointSlices().values()) {
            for (Endpoint e : slice.endpoints()) {
                for (String a : e.addresses()) IpAddress.parse(a).ifPresent(out::add);
            }
        }
        return out;
    }

    private record PortFamily(ParsedPort port, IpFamily family) {
    }
}
