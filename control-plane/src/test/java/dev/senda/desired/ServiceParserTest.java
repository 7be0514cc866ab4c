package dev.senda.desired;

import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServicePort;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** What the golden files do not show: the parse result itself, and the decisions it pins. */
class ServiceParserTest {
    private static final ObjectRef REF = new ObjectRef("ns", "svc");
    private static final List<ServicePort> PORTS = List.of(new ServicePort("http", null, 80, null, null));

    private static Service svc(String type, Map<String, String> labels, String clusterIP, List<String> clusterIPs,
                               List<String> ipFamilies, String ipFamilyPolicy, List<ServicePort> ports) {
        return new Service(REF, labels, null, type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, List.of(), null,
                ports, null, "Local", null);
    }

    private static Service svc(String clusterIP, List<String> clusterIPs, List<String> ipFamilies) {
        return svc("ClusterIP", Map.of(), clusterIP, clusterIPs, ipFamilies, null, PORTS);
    }

    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    private static ParsedService accepted(Service s) {
        return assertInstanceOf(ServiceParse.Accepted.class, ServiceParser.parse(s)).service();
    }

    private static List<String> rejected(Service s) {
        return assertInstanceOf(ServiceParse.Rejected.class, ServiceParser.parse(s)).reasons();
    }

    @Test
    void dualStackKeepsSpecOrderOnePerFamily() {
        ParsedService p = accepted(svc("fd00::a", List.of("fd00::a", "10.96.0.10"), List.of("IPv6", "IPv4")));
        assertEquals(List.of(ip("fd00::a"), ip("10.96.0.10")), p.clusterIps());
        assertEquals(List.of(new ParsedPort("http", 80, L4Protocol.TCP)), p.ports());
        assertEquals(new TrafficPolicies("Local", null), p.trafficPolicies());
        assertEquals(ServiceType.CLUSTER_IP, p.type());
    }

    @Test
    void anIpv6ClusterIpAloneIsEnough() {
        assertEquals(List.of(ip("fd00::b")), accepted(svc("fd00::b", List.of(), List.of())).clusterIps());
        assertEquals(List.of(ip("fd00::b")), accepted(svc("fd00::b", List.of(), List.of("IPv6"))).clusterIps());
        assertEquals(List.of("spec.clusterIP \"fd00::b\" is IPv6, which spec.ipFamilies [IPv4] does not list"),
                rejected(svc("fd00::b", List.of(), List.of("IPv4"))));
    }

    @Test
    void ipFamilyPolicyIsNotConsulted() {
        // An API server would refuse SingleStack with two addresses; a proxy programs what was allocated.
        Service s = svc("ClusterIP", Map.of(), "10.96.0.1", List.of("10.96.0.1", "fd00::1"), List.of(), "SingleStack", PORTS);
        assertEquals(List.of(ip("10.96.0.1"), ip("fd00::1")), accepted(s).clusterIps());
        s = svc("ClusterIP", Map.of(), "10.96.0.1", List.of("10.96.0.1"), List.of(), "RequireDualStack", PORTS);
        assertEquals(List.of(ip("10.96.0.1")), accepted(s).clusterIps());
    }

    @Test
    void nodePortAndLoadBalancerAreTheirOwnTypesWithClusterIpFrontends() {
        for (String type : List.of("NodePort", "LoadBalancer")) {
            ParsedService p = accepted(svc(type, Map.of(), "10.96.0.1", List.of("10.96.0.1", "fd00::1"), List.of(), null,
                    PORTS));
            assertEquals(type, p.type().toString());
            assertEquals(List.of("10.96.0.1:80/TCP", "[fd00::1]:80/TCP"),
                    FrontendExpanders.expand(p, List.of()).stream().map(f -> f.frontend().toString()).toList());
        }
    }

    @Test
    void everyProblemIsReportedInFieldOrder() {
        Service s = svc("Foo", Map.of(), "10.96.0.1", List.of("10.96.0.2", "fd00::zz"), List.of(), null,
                List.of(new ServicePort("", "ICMP", 80, null, null)));
        assertEquals(List.of("spec.type \"Foo\" is not ClusterIP, NodePort, LoadBalancer or ExternalName",
                "spec.clusterIP \"10.96.0.1\" differs from spec.clusterIPs[0] \"10.96.0.2\"",
                "spec.clusterIPs[1] \"fd00::zz\" is not an IP address",
                "spec.ports[0]: unknown protocol \"ICMP\""), rejected(s));
    }

    @Test
    void aFamilyListedButNotAllocatedYetIsNoProblem() {
        assertEquals(List.of(ip("10.96.0.1")), accepted(svc("10.96.0.1", List.of("10.96.0.1"), List.of("IPv4", "IPv6")))
                .clusterIps());
    }

    @Test
    void familiesArePositional() {
        assertEquals(List.of("spec.clusterIPs[0] \"fd00::1\" is IPv6, which spec.ipFamilies [IPv4] does not list",
                        "spec.clusterIPs[1] \"10.96.0.1\" is IPv4, but spec.ipFamilies[1] is missing"),
                rejected(svc("fd00::1", List.of("fd00::1", "10.96.0.1"), List.of("IPv4"))));
    }

    @Test
    void skippedNeverValidated() {
        List<ServicePort> bad = List.of(new ServicePort("", "ICMP", -1, null, null));
        assertInstanceOf(ServiceParse.Skipped.class, ServiceParser.parse(
                svc("ExternalName", Map.of(), "junk", List.of("junk"), List.of("IPv9"), null, bad)));
        assertInstanceOf(ServiceParse.Skipped.class, ServiceParser.parse(
                svc("ClusterIP", Map.of(), null, List.of("None"), List.of(), null, bad)));
        assertInstanceOf(ServiceParse.Skipped.class, ServiceParser.parse(
                svc("ClusterIP", Map.of(ServiceParser.LABEL_SERVICE_PROXY_NAME, "x"), "junk", List.of(), List.of(), null, bad)));
        assertInstanceOf(ServiceParse.Skipped.class, ServiceParser.parse(
                svc("ClusterIP", Map.of(ServiceParser.LABEL_HEADLESS, ""), "junk", List.of(), List.of(), null, bad)));
    }

    @Test
    void aNameNamespaceOrLabelBeyondTheApiLimitsRejectsTheWholeService() {
        String longName = "s".repeat(253);
        Service s = new Service(new ObjectRef("Bad_NS", longName), Map.of("app", "v".repeat(10 * 1024)), null,
                "ClusterIP", "10.96.0.1", List.of(), List.of(), null, List.of(), null, PORTS, null, null, null);
        assertEquals(List.of(
                "metadata.name \"" + "s".repeat(40) + "...\" is 253 characters, over the limit of 63",
                "metadata.namespace \"Bad_NS\" is not a DNS-1123 label (lower case letters, digits and '-',"
                        + " starting and ending alphanumeric)",
                "metadata.labels[\"app\"] value \"" + "v".repeat(40) + "...\" is 10240 characters, over the limit of 63"),
                rejected(s));
    }

    @Test
    void aServiceNameIsADns1035LabelNotA1123One() {
        Service s = new Service(new ObjectRef("ns", "9web"), Map.of(), null, "ClusterIP", "10.96.0.1", List.of(),
                List.of(), null, List.of(), null, PORTS, null, null, null);
        assertEquals(1, rejected(s).size());
        s = new Service(new ObjectRef("9ns", "w" + "-9".repeat(31)), Map.of(), null, "ClusterIP", "10.96.0.1",
                List.of(), List.of(), null, List.of(), null, PORTS, null, null, null);
        accepted(s);
    }
}
