package dev.senda.desired;

import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServiceLoadBalancer;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.model.Snapshot;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which Services get a health-check node port, with what count, and which ports are refused. */
class HealthCheckPortsTest {
    private static final NodeInfo NODE = new NodeInfo("n1");
    private static final EndpointConditions READY = new EndpointConditions(true, true, false);
    private static final EndpointConditions TERMINATING = new EndpointConditions(false, true, true);
    private final DesiredStateCalculator calc = new DesiredStateCalculator();

    private static Service svc(String name, String type, String etp, Integer hcnp, Instant created, String clusterIp) {
        return new Service(new ObjectRef("ns", name), Map.of(), created, type, clusterIp, List.of(clusterIp), List.of(),
                null, List.of(), null, List.of(new ServicePort("http", null, 80, null, 30000 + Integer.parseInt(clusterIp.substring(clusterIp.lastIndexOf('.') + 1)))),
                null, null, null, etp, new ServiceLoadBalancer(List.of(), null, hcnp, List.of()));
    }

    private static Endpoint ep(String address, String node, EndpointConditions c) {
        return new Endpoint(List.of(address), c, node, null, null);
    }

    private static EndpointSlice slice(String service, String family, Endpoint... eps) {
        return new EndpointSlice(new ObjectRef("ns", service + "-" + family.toLowerCase(java.util.Locale.ROOT)), Map.of(EndpointSlice.SERVICE_NAME_LABEL, service),
                service, family, List.of(new SlicePort("http", null, 8080, null)), List.of(eps));
    }

    @Test
    void loadBalancerWithLocalPolicyCountsReadyEndpointsOnThisNodeOnly() {
        DesiredState s = calc.calculate(Snapshot.of(List.of(svc("lb", "LoadBalancer", "Local", 32000, null, "10.0.0.1")),
                List.of(slice("lb", "IPv4", ep("10.1.0.1", "n1", READY), ep("10.1.0.2", "n1", READY),
                        ep("10.1.0.3", "n2", READY), ep("10.1.0.4", "n1", TERMINATING)),
                        slice("lb", "IPv6", ep("fd00::1", "n1", READY)))), NODE);
        // an IPv4 Service counts its IPv4 endpoints, as kube-proxy's IPv4 proxier does (the IPv6 slice is not its)
        assertEquals(List.of(new HealthCheckServer(new ObjectRef("ns", "lb"), 32000, Map.of(IpFamily.IPV4, 2))), s.healthChecks().servers());
        assertEquals(List.of(), s.rejections());
    }

    @Test
    void onlyTerminatingLocalEndpointsCountZero() {
        DesiredState s = calc.calculate(Snapshot.of(List.of(svc("lb", "LoadBalancer", "Local", 32000, null, "10.0.0.1")),
                List.of(slice("lb", "IPv4", ep("10.1.0.4", "n1", TERMINATING)))), NODE);
        assertEquals(List.of(new HealthCheckServer(new ObjectRef("ns", "lb"), 32000, Map.of(IpFamily.IPV4, 0))), s.healthChecks().servers());
    }

    @Test
    void clusterPolicyAndNodePortServicesGetNone() {
        DesiredState s = calc.calculate(Snapshot.of(List.of(
                svc("cluster", "LoadBalancer", "Cluster", 32000, null, "10.0.0.1"),
                svc("np", "NodePort", "Local", 32001, null, "10.0.0.2"),
                svc("unset", "LoadBalancer", null, 32002, null, "10.0.0.3")), List.of()), NODE);
        assertEquals(List.of(), s.healthChecks().servers());
        assertEquals(List.of(), s.rejections());
    }

    @Test
    void badPortsAreRejectedNamingTheServiceAndTheRestIsProgrammed() {
        DesiredState s = calc.calculate(Snapshot.of(List.of(
                svc("old", "LoadBalancer", "Local", 32000, Instant.parse("2020-01-01T00:00:00Z"), "10.0.0.1"),
                svc("dup", "LoadBalancer", "Local", 32000, null, "10.0.0.2"),
                svc("big", "LoadBalancer", "Local", 70000, null, "10.0.0.3"),
                svc("none", "LoadBalancer", "Local", null, null, "10.0.0.4")), List.of()), NODE);
        assertEquals(List.of(new HealthCheckServer(new ObjectRef("ns", "old"), 32000, Map.of(IpFamily.IPV4, 0))), s.healthChecks().servers());
        assertEquals(List.of(
                new Rejection(Rejection.SERVICE, new ObjectRef("ns", "big"), "spec.healthCheckNodePort 70000 is out of "
                        + "range 1..65535; no health check node port is served for it"),
                new Rejection(Rejection.SERVICE, new ObjectRef("ns", "dup"), "spec.healthCheckNodePort 32000 is already "
                        + "used by Service ns/old; no health check node port is served for it"),
                new Rejection(Rejection.SERVICE, new ObjectRef("ns", "none"), "spec.healthCheckNodePort is not set "
                        + "although externalTrafficPolicy is Local; no health check node port is served for it")),
                s.rejections());
        // Each Service keeps its cluster IP frontend (the node ports wait for the Node's addresses).
        assertEquals(4, s.lb().frontends().size());
    }

    @Test
    void theSelectedNodeAddressesComeAlong() {
        assertEquals(HealthChecks.NONE, calc.calculate(Snapshot.empty(), NODE).healthChecks());
        IpAddress v4 = IpAddress.parse("192.0.2.1").orElseThrow();
        IpAddress v6 = IpAddress.parse("2001:db8::1").orElseThrow();
        NodeInfo seen = new NodeInfo("n1", null, List.of(v4, v6), List.of(v4, v6), false, true);
        DesiredState s = calc.calculate(Snapshot.of(List.of(svc("lb", "LoadBalancer", "Local", 32000, null, "10.0.0.1")),
                List.of()), seen);
        assertEquals(new HealthChecks(List.of(v4, v6), List.of(new HealthCheckServer(new ObjectRef("ns", "lb"), 32000, Map.of(IpFamily.IPV4, 0)))),
                s.healthChecks());
    }
}
