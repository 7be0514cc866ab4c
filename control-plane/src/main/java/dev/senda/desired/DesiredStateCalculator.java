package dev.senda.desired;

import dev.senda.model.NodeInfo;
import dev.senda.model.Snapshot;
import dev.senda.net.IpFamily;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

    private final NodePortAddresses nodePortAddresses;

    /** With node ports on each family's primary node address (the default of --nodeport-addresses). */
    public DesiredStateCalculator() {
        this(NodePortAddresses.PRIMARY);
    }

    public DesiredStateCalculator(NodePortAddresses nodePortAddresses) {
        this.nodePortAddresses = Objects.requireNonNull(nodePortAddresses, "nodePortAddresses");
    }

    /**
     * Computes the desired state. One implementation with the incremental path: a full
     * {@link IncrementalDesiredState} calculation, Service by Service.
     */
    public DesiredState calculate(Snapshot snapshot, NodeInfo node) {
        IncrementalDesiredState state = new IncrementalDesiredState(nodePortAddresses);
        IncrementalDesiredState.Result r = state.full(snapshot, node);
        return new DesiredState(state.lbState(), r.rejections(), r.healthChecks());
    }

    /** An incremental calculator with this one's settings (for the agent's sync and the benchmarks). */
    public IncrementalDesiredState incremental() {
        return new IncrementalDesiredState(nodePortAddresses);
    }

    /** The claim's frontends, each with the backends of its endpoint category. */
    static List<DesiredFrontend> withBackends(ConflictResolver.Claim claim, ServiceEndpoints endpoints,
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

    private record PortFamily(ParsedPort port, IpFamily family) {
    }
}
