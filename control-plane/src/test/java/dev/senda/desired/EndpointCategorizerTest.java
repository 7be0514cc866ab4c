package dev.senda.desired;

import dev.senda.model.NodeInfo;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EndpointCategorizerTest {
    private static final NodeInfo NODE = new NodeInfo("node-a");
    private static final TrafficPolicies CLUSTER = new TrafficPolicies(null, null);
    private static final TrafficPolicies INTERNAL_LOCAL = new TrafficPolicies("Local", null);
    private static final EndpointReadiness READY = new EndpointReadiness(true, true, false);
    private static final EndpointReadiness NOT_READY = new EndpointReadiness(false, false, false);
    private static final EndpointReadiness DRAINING = new EndpointReadiness(false, true, true);
    private static final EndpointReadiness GONE = new EndpointReadiness(false, false, true);
    /** Serving but not terminating (a failing readiness probe): no fallback either. */
    private static final EndpointReadiness UNREADY_SERVING = new EndpointReadiness(false, true, false);

    private static BackendAddress addr(String ip) {
        return new BackendAddress(IpAddress.parse(ip).orElseThrow(), 8080, L4Protocol.TCP);
    }

    private static PortEndpoint ep(String ip, EndpointReadiness r, String node) {
        return new PortEndpoint(addr(ip), r, node, null, TopologyHints.NONE);
    }

    private static ChosenEndpoints active(String... ips) {
        return new ChosenEndpoints(List.of(ips).stream().map(EndpointCategorizerTest::addr).toList(), EndpointState.ACTIVE);
    }

    private static ChosenEndpoints terminating(String... ips) {
        return new ChosenEndpoints(List.of(ips).stream().map(EndpointCategorizerTest::addr).toList(),
                EndpointState.TERMINATING);
    }

    @Test
    void readyEndpointsOnlyWhenAnyIsReady() {
        var c = EndpointCategorizer.categorize(List.of(ep("10.0.0.3", READY, "node-b"), ep("10.0.0.1", DRAINING, "node-a"),
                ep("10.0.0.2", NOT_READY, "node-a"), ep("10.0.0.4", UNREADY_SERVING, null)), NODE, CLUSTER);
        assertEquals(active("10.0.0.3"), c.cluster());
    }

    @Test
    void servingTerminatingFallbackWhenNothingIsReady() {
        var c = EndpointCategorizer.categorize(List.of(ep("10.0.0.9", DRAINING, "node-b"), ep("10.0.0.1", DRAINING, "node-a"),
                ep("10.0.0.2", GONE, "node-a"), ep("10.0.0.4", UNREADY_SERVING, "node-a")), NODE, CLUSTER);
        assertEquals(terminating("10.0.0.1", "10.0.0.9"), c.cluster());
        assertEquals(List.of(new DesiredBackend(addr("10.0.0.1"), EndpointState.TERMINATING),
                new DesiredBackend(addr("10.0.0.9"), EndpointState.TERMINATING)), c.cluster().backends());
    }

    @Test
    void nothingUsableIsAnEmptySet() {
        var c = EndpointCategorizer.categorize(List.of(ep("10.0.0.2", GONE, "node-a"), ep("10.0.0.3", NOT_READY, "node-a")),
                NODE, INTERNAL_LOCAL);
        assertEquals(ChosenEndpoints.NONE, c.cluster());
        assertEquals(ChosenEndpoints.NONE, c.local());
        assertEquals(new EndpointCategories(ChosenEndpoints.NONE, ChosenEndpoints.NONE),
                EndpointCategorizer.categorize(List.of(), NODE, INTERNAL_LOCAL));
    }

    @Test
    void duplicatesCountOnceSortedNumericallyAndReadyWinsOverADisagreeingCopy() {
        var c = EndpointCategorizer.categorize(List.of(ep("10.0.0.100", READY, "node-a"), ep("10.0.0.30", READY, "node-b"),
                ep("10.0.0.4", DRAINING, "node-a"), ep("10.0.0.30", READY, "node-b"), ep("10.0.0.4", READY, "node-a")),
                NODE, CLUSTER);
        assertEquals(active("10.0.0.4", "10.0.0.30", "10.0.0.100"), c.cluster());
    }

    @Test
    void localSetOnlyWhenAPolicyIsLocal() {
        List<PortEndpoint> eps = List.of(ep("10.0.0.1", READY, "node-a"), ep("10.0.0.2", READY, "node-b"));
        assertEquals(ChosenEndpoints.NONE, EndpointCategorizer.categorize(eps, NODE, CLUSTER).local());
        assertEquals(ChosenEndpoints.NONE,
                EndpointCategorizer.categorize(eps, NODE, new TrafficPolicies("Cluster", "Cluster")).local());
        assertEquals(active("10.0.0.1"), EndpointCategorizer.categorize(eps, NODE, INTERNAL_LOCAL).local());
        assertEquals(active("10.0.0.1"),
                EndpointCategorizer.categorize(eps, NODE, new TrafficPolicies(null, "Local")).local());
        // The cluster set is there either way: every frontend uses it until traffic policies are programmed.
        assertEquals(active("10.0.0.1", "10.0.0.2"), EndpointCategorizer.categorize(eps, NODE, INTERNAL_LOCAL).cluster());
    }

    @Test
    void localMeansThisNodeByNameAndAnUnknownNodeIsNeverLocal() {
        var c = EndpointCategorizer.categorize(List.of(ep("10.0.0.1", READY, null), ep("10.0.0.2", READY, "node-a2"),
                ep("10.0.0.3", READY, "Node-a")), NODE, INTERNAL_LOCAL);
        assertEquals(ChosenEndpoints.NONE, c.local());
        assertEquals(active("10.0.0.1", "10.0.0.2", "10.0.0.3"), c.cluster());
    }

    @Test
    void theFallbackIsDecidedPerSet() {
        // Cluster: a ready endpoint elsewhere. Local: only a draining one here, which the local set falls back to.
        var c = EndpointCategorizer.categorize(List.of(ep("10.0.0.2", READY, "node-b"), ep("10.0.0.1", DRAINING, "node-a")),
                NODE, INTERNAL_LOCAL);
        assertEquals(active("10.0.0.2"), c.cluster());
        assertEquals(terminating("10.0.0.1"), c.local());
        assertEquals(terminating("10.0.0.1"), c.get(EndpointCategory.LOCAL));
        assertEquals(active("10.0.0.2"), c.get(EndpointCategory.CLUSTER));

        // Local ready endpoints win over local draining ones, whatever the cluster set holds.
        c = EndpointCategorizer.categorize(List.of(ep("10.0.0.1", DRAINING, "node-a"), ep("10.0.0.3", READY, "node-a")),
                NODE, INTERNAL_LOCAL);
        assertEquals(active("10.0.0.3"), c.local());
    }

    @Test
    void ipv6EndpointsWorkTheSame() {
        var c = EndpointCategorizer.categorize(List.of(ep("fd00::10", READY, "node-a"), ep("fd00::9", READY, "node-b")),
                NODE, INTERNAL_LOCAL);
        assertEquals(active("fd00::9", "fd00::10"), c.cluster());
        assertEquals(active("fd00::10"), c.local());
    }

    // Topology: hints narrow the cluster set the way kube-proxy's CategorizeEndpoints does.

    private static final NodeInfo ZONED = new NodeInfo("node-a", "zone-a", List.of(), List.of(), false, true);

    private static PortEndpoint zoned(String ip, EndpointReadiness r, String node, String... zones) {
        return new PortEndpoint(addr(ip), r, node, null, TopologyHints.of(List.of(zones), List.of()));
    }

    private static PortEndpoint hinted(String ip, EndpointReadiness r, String node, List<String> zones,
                                       List<String> nodes) {
        return new PortEndpoint(addr(ip), r, node, null, TopologyHints.of(zones, nodes));
    }

    @Test
    void zoneHintsNarrowTheClusterSetWhenEveryReadyEndpointHasOneAndOneIsForThisZone() {
        List<PortEndpoint> eps = List.of(zoned("10.0.0.1", READY, "node-b", "zone-a"),
                zoned("10.0.0.2", READY, "node-c", "zone-b"), zoned("10.0.0.3", READY, "node-d", "zone-a", "zone-c"));
        assertEquals(TopologyMode.SAME_ZONE, TopologyMode.of(eps, ZONED));
        assertEquals(active("10.0.0.1", "10.0.0.3"), EndpointCategorizer.categorize(eps, ZONED, CLUSTER).cluster());
    }

    @Test
    void aReadyEndpointWithoutZoneHintsMakesEveryHintIgnored() {
        List<PortEndpoint> eps = List.of(zoned("10.0.0.1", READY, "node-b", "zone-a"),
                zoned("10.0.0.2", READY, "node-c"));
        assertEquals(TopologyMode.NONE, TopologyMode.of(eps, ZONED));
        assertEquals(active("10.0.0.1", "10.0.0.2"), EndpointCategorizer.categorize(eps, ZONED, CLUSTER).cluster());
    }

    @Test
    void onlyReadyEndpointsCountForTheDecision() {
        // An unhinted endpoint that is not ready, or only draining, neither blocks topology nor is chosen.
        List<PortEndpoint> eps = List.of(zoned("10.0.0.1", READY, "node-b", "zone-a"),
                zoned("10.0.0.2", READY, "node-c", "zone-b"), zoned("10.0.0.3", NOT_READY, "node-a"),
                zoned("10.0.0.4", DRAINING, "node-a"));
        assertEquals(active("10.0.0.1"), EndpointCategorizer.categorize(eps, ZONED, CLUSTER).cluster());
    }

    @Test
    void noEndpointForThisZoneMeansHintsAreIgnored() {
        List<PortEndpoint> eps = List.of(zoned("10.0.0.1", READY, "node-b", "zone-b"),
                zoned("10.0.0.2", READY, "node-c", "zone-c"),
                // Hinted for this zone but not ready: it does not make the zone served.
                zoned("10.0.0.3", DRAINING, "node-a", "zone-a"));
        assertEquals(TopologyMode.NONE, TopologyMode.of(eps, ZONED));
        assertEquals(active("10.0.0.1", "10.0.0.2"), EndpointCategorizer.categorize(eps, ZONED, CLUSTER).cluster());
    }

    @Test
    void aNodeWithoutAZoneLabelIgnoresZoneHints() {
        List<PortEndpoint> eps = List.of(zoned("10.0.0.1", READY, "node-b", "zone-a"),
                zoned("10.0.0.2", READY, "node-c", "zone-b"));
        assertEquals(TopologyMode.NONE, TopologyMode.of(eps, NODE));
        assertEquals(active("10.0.0.1", "10.0.0.2"), EndpointCategorizer.categorize(eps, NODE, CLUSTER).cluster());
    }

    @Test
    void nodeHintsWinOverZoneHintsWhenEveryReadyEndpointHasOneAndOneIsForThisNode() {
        List<PortEndpoint> eps = List.of(
                hinted("10.0.0.1", READY, "node-a", List.of("zone-a"), List.of("node-a")),
                hinted("10.0.0.2", READY, "node-b", List.of("zone-a"), List.of("node-b")),
                hinted("10.0.0.3", READY, "node-c", List.of("zone-b"), List.of("node-c")));
        assertEquals(TopologyMode.SAME_NODE, TopologyMode.of(eps, ZONED));
        assertEquals(active("10.0.0.1"), EndpointCategorizer.categorize(eps, ZONED, CLUSTER).cluster());
        // A node without a zone label still uses node hints.
        assertEquals(active("10.0.0.1"), EndpointCategorizer.categorize(eps, NODE, CLUSTER).cluster());
    }

    @Test
    void nodeHintsThatMissThisNodeOrSomeEndpointFallBackToZoneHints() {
        // Every ready endpoint has a node hint, none for node-a: zone hints decide.
        List<PortEndpoint> none = List.of(
                hinted("10.0.0.2", READY, "node-b", List.of("zone-a"), List.of("node-b")),
                hinted("10.0.0.3", READY, "node-c", List.of("zone-b"), List.of("node-c")));
        assertEquals(TopologyMode.SAME_ZONE, TopologyMode.of(none, ZONED));
        assertEquals(active("10.0.0.2"), EndpointCategorizer.categorize(none, ZONED, CLUSTER).cluster());

        // One ready endpoint has no node hint: node hints are ignored even though one names node-a.
        List<PortEndpoint> partial = List.of(
                hinted("10.0.0.1", READY, "node-a", List.of("zone-b"), List.of("node-a")),
                hinted("10.0.0.2", READY, "node-b", List.of("zone-a"), List.of()),
                hinted("10.0.0.3", READY, "node-c", List.of("zone-a"), List.of("node-c")));
        assertEquals(TopologyMode.SAME_ZONE, TopologyMode.of(partial, ZONED));
        assertEquals(active("10.0.0.2", "10.0.0.3"), EndpointCategorizer.categorize(partial, ZONED, CLUSTER).cluster());
    }

    @Test
    void theTerminatingFallbackIgnoresHints() {
        // Nothing ready anywhere: every serving-terminating endpoint, whatever it is hinted for.
        List<PortEndpoint> eps = List.of(zoned("10.0.0.1", DRAINING, "node-b", "zone-b"),
                zoned("10.0.0.2", DRAINING, "node-c", "zone-a"), zoned("10.0.0.3", GONE, "node-c", "zone-a"));
        assertEquals(TopologyMode.NONE, TopologyMode.of(eps, ZONED));
        assertEquals(terminating("10.0.0.1", "10.0.0.2"), EndpointCategorizer.categorize(eps, ZONED, CLUSTER).cluster());
    }

    @Test
    void theLocalSetIgnoresHints() {
        // node-a's own endpoint is hinted for another zone: the cluster set skips it, the local set keeps it.
        List<PortEndpoint> eps = List.of(zoned("10.0.0.1", READY, "node-a", "zone-b"),
                zoned("10.0.0.2", READY, "node-b", "zone-a"));
        var c = EndpointCategorizer.categorize(eps, ZONED, INTERNAL_LOCAL);
        assertEquals(active("10.0.0.2"), c.cluster());
        assertEquals(active("10.0.0.1"), c.local());
    }
}
