package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.senda.e2e.KubeObjects.dualStackService;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.service;
import static dev.senda.e2e.KubeObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 and dual-stack Service scenarios named after the Kubernetes e2e tests of
 * {@code test/e2e/network/dual_stack.go} (titles verbatim), plus the IPv4 ClusterIP scenarios that
 * matter per family (source IP, hairpin, refusal without endpoints, endpoints changing under load)
 * run for IPv6. Dual-stack pods (the testbed gives each an fd00:10:244:N::/64 address beside its
 * IPv4 one), the real agent, the mock API server; subclasses choose the datapath.
 */
abstract class DualStackServicesE2e extends AgentNodeE2e {
    /** "10.96.1.5:80" or "[fd00:96:1::5]:80": how a client reports its peer. */
    private static String withPort(String vip, int port) {
        return IpAddress.parse(vip).orElseThrow().withPort(port);
    }

    /** Port 80 over TCP and UDP to the echo port, one family. */
    private Service singleStack(String name, String vip) {
        return service(name, vip, port("http", "TCP", 80, E2eNode.ECHO), port("udp", "UDP", 80, E2eNode.ECHO));
    }

    /** Port 80 over TCP and UDP to the echo port, one cluster IP per family, {@code primary} first. */
    private Service dualStack(String name, String primary, String secondary) {
        return dualStackService(name, primary, secondary,
                port("http", "TCP", 80, E2eNode.ECHO), port("udp", "UDP", 80, E2eNode.ECHO));
    }

    /** One EndpointSlice per family, as the EndpointSlice controller writes them for a dual-stack Service. */
    private void slices(String service, List<Pod> pods) {
        node.apply(slice(IpFamily.IPV4, service, service + "-v4", echoPorts(), pods));
        node.apply(slice(IpFamily.IPV6, service, service + "-v6", echoPorts(), pods));
    }

    /** Both protocols on {@code vip}:80 answered by exactly {@code pods}, the client seeing the VIP as its peer. */
    private void awaitBothProtocols(String vip, Pod... pods) throws IOException {
        for (Proto proto : Proto.values()) {
            Traffic.Tally t = traffic.awaitServedBy(proto, node.client, vip, 80, names(pods));
            t.successes().forEach(r -> assertEquals(withPort(vip, 80), r.remote(), proto + " peer seen by the client: " + r));
        }
    }

    @Test
    @DisplayName("should create service with ipv6 cluster ip")
    void shouldCreateServiceWithIpv6ClusterIp() throws IOException {
        String vip = node.nextVip(IpFamily.IPV6);
        node.apply(singleStack("v6", vip));
        node.apply(slice(IpFamily.IPV6, "v6", "v6-1", echoPorts(), List.of(node.a, node.b, node.c)));
        awaitBothProtocols(vip, node.a, node.b, node.c);
    }

    @Test
    @DisplayName("should create service with ipv4,v6 cluster ip")
    void shouldCreateServiceWithIpv4Ipv6ClusterIp() throws IOException {
        dualStackServedOnBothClusterIps("v4v6", IpFamily.IPV4, IpFamily.IPV6);
    }

    @Test
    @DisplayName("should create service with ipv6,v4 cluster ip")
    void shouldCreateServiceWithIpv6Ipv4ClusterIp() throws IOException {
        dualStackServedOnBothClusterIps("v6v4", IpFamily.IPV6, IpFamily.IPV4);
    }

    /** A dual-stack Service whose cluster IPs come in the given family order answers on both, TCP and UDP. */
    private void dualStackServedOnBothClusterIps(String name, IpFamily primary, IpFamily secondary) throws IOException {
        String first = node.nextVip(primary);
        String second = node.nextVip(secondary);
        node.apply(dualStack(name, first, second));
        slices(name, List.of(node.a, node.b, node.c));
        awaitBothProtocols(first, node.a, node.b, node.c);
        awaitBothProtocols(second, node.a, node.b, node.c);
    }

    @Test
    @DisplayName("each family's frontends get that family's endpoints only")
    void eachFamilyGetsItsOwnEndpoints() throws IOException {
        String vip4 = node.nextVip(IpFamily.IPV4);
        String vip6 = node.nextVip(IpFamily.IPV6);
        node.apply(dualStack("split", vip4, vip6));
        node.apply(slice(IpFamily.IPV4, "split", "split-v4", echoPorts(), List.of(node.a)));
        node.apply(slice(IpFamily.IPV6, "split", "split-v6", echoPorts(), List.of(node.b, node.c)));
        Traffic.Tally v4 = traffic.awaitServedBy(Proto.TCP, node.client, vip4, 80, names(node.a));
        Traffic.Tally v6 = traffic.awaitServedBy(Proto.TCP, node.client, vip6, 80, names(node.b, node.c));
        // the backend sees the client's address of the VIP's family
        v4.successes().forEach(r -> assertEquals(node.client.ip(IpFamily.IPV4), r.peer().orElseThrow(), "v4 source: " + r));
        v6.successes().forEach(r -> assertEquals(node.client.ip(IpFamily.IPV6), r.peer().orElseThrow(), "v6 source: " + r));
    }

    /**
     * The Granular Checks of dual_stack.go, on the secondary family of a dual-stack Service (IPv6,
     * the primary being IPv4): one Service per check.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("Granular Checks: Services Secondary IP Family")
    class GranularChecks {
        private String secondaryVip(String name) {
            String vip4 = node.nextVip(IpFamily.IPV4);
            String vip6 = node.nextVip(IpFamily.IPV6);
            node.apply(dualStack(name, vip4, vip6));
            return vip6;
        }

        @AfterEach
        void deleteObjects() {
            node.deleteAll();
        }

        @Test
        @DisplayName("should function for pod-Service: http")
        void shouldFunctionForPodServiceHttp() throws IOException {
            String vip = secondaryVip("granular-http");
            slices("granular-http", List.of(node.a, node.b));
            Traffic.Tally t = traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a, node.b));
            t.successes().forEach(r -> assertEquals(withPort(vip, 80), r.remote(), "peer: " + r));
        }

        @Test
        @DisplayName("should function for pod-Service: udp")
        void shouldFunctionForPodServiceUdp() throws IOException {
            String vip = secondaryVip("granular-udp");
            slices("granular-udp", List.of(node.a, node.b));
            Traffic.Tally t = traffic.awaitServedBy(Proto.UDP, node.client, vip, 80, names(node.a, node.b));
            t.successes().forEach(r -> assertEquals(withPort(vip, 80), r.remote(), "reply source: " + r));
        }

        @Test
        @DisplayName("should update endpoints: http")
        void shouldUpdateEndpointsHttp() throws IOException {
            updateEndpoints("update-http", Proto.TCP);
        }

        @Test
        @DisplayName("should update endpoints: udp")
        void shouldUpdateEndpointsUdp() throws IOException {
            updateEndpoints("update-udp", Proto.UDP);
        }

        /** As upstream: served by the endpoints, then one endpoint removed, then served by the rest only. */
        private void updateEndpoints(String name, Proto proto) throws IOException {
            String vip = secondaryVip(name);
            slices(name, List.of(node.a, node.b, node.c));
            traffic.awaitServedBy(proto, node.client, vip, 80, names(node.a, node.b, node.c));
            slices(name, List.of(node.b, node.c));
            traffic.awaitServedBy(proto, node.client, vip, 80, names(node.b, node.c));
        }
    }

    // ---- the per-family ClusterIP scenarios, for IPv6 ----

    @Test
    @DisplayName("should preserve source pod IP for traffic thru service cluster IP [IPv6]")
    void shouldPreserveSourcePodIpv6() throws IOException {
        String vip = node.nextVip(IpFamily.IPV6);
        node.apply(singleStack("source-ip6", vip));
        node.apply(slice(IpFamily.IPV6, "source-ip6", "source-ip6-1", echoPorts(), List.of(node.a)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a));
        for (Proto proto : Proto.values()) {
            for (Pod from : List.of(node.client, node.b)) {
                Traffic.Tally t = traffic.tally(proto, from, vip, 80, 5);
                assertTrue(t.failures().isEmpty(), proto + " from " + from.name() + ": " + t);
                t.successes().forEach(r -> assertEquals(from.ip(IpFamily.IPV6), r.peer().orElseThrow(),
                        "backend saw the wrong source for a " + proto + " request from " + from.name() + ": " + r));
            }
        }
    }

    @Test
    @DisplayName("should allow pods to hairpin back to themselves through services [IPv6]")
    void shouldAllowPodsToHairpinBackToThemselvesIpv6() throws IOException {
        String vip = node.nextVip(IpFamily.IPV6);
        node.apply(singleStack("hairpin6", vip));
        node.apply(slice(IpFamily.IPV6, "hairpin6", "hairpin6-1", echoPorts(), List.of(node.a)));
        List<ClientResult> all = new ArrayList<>(traffic.awaitServedBy(Proto.TCP, node.a, vip, 80, names(node.a)).successes());
        all.addAll(traffic.awaitServedBy(Proto.UDP, node.a, vip, 80, names(node.a)).successes());
        // socket LB connects the pod's socket to its own address; per-packet hairpin SNATs to the VIP
        String expectedSource = socketLb() ? node.a.ip(IpFamily.IPV6) : vip;
        for (ClientResult r : all) {
            assertEquals(expectedSource, r.peer().orElseThrow(), "hairpin source seen by the backend: " + r);
            assertEquals(withPort(vip, 80), r.remote(), "hairpin peer seen by the client: " + r);
        }
    }

    @Test
    @DisplayName("should be rejected when no endpoints exist [IPv6]")
    void shouldBeRejectedWhenNoEndpointsExistIpv6() throws IOException {
        String vip = node.nextVip(IpFamily.IPV6);
        node.apply(singleStack("no-endpoints6", vip));
        traffic.awaitFailure(Proto.TCP, node.client, vip, 80, e -> e.contains("Connection refused"), CONVERGE);
        for (int i = 0; i < 5; i++) {
            ClientResult r = traffic.one(Proto.TCP, node.client, vip, 80);
            assertTrue(!r.ok() && r.error().contains("Connection refused") && r.millis() < 1000,
                    "an IPv6 Service without endpoints must refuse TCP at once: " + r);
        }
        // connected UDP: socket LB refuses connect(); per-packet LB answers ICMPv6 port unreachable
        traffic.awaitFailure(Proto.UDP, node.client, vip, 80,
                e -> e.contains("Connection refused") || e.contains("java.net.PortUnreachableException"), CONVERGE);
        for (int i = 0; i < 5; i++) {
            ClientResult r = traffic.one(Proto.UDP, node.client, vip, 80);
            assertTrue(!r.ok() && r.millis() < 1000
                            && (r.error().contains("Connection refused") || r.error().contains("PortUnreachable")),
                    "an IPv6 Service without endpoints must refuse UDP at once: " + r);
        }
    }

    @Test
    @DisplayName("should keep serving while endpoints are added and removed under client load [IPv6]")
    void shouldKeepServingWhileEndpointsChangeIpv6() throws Exception {
        String vip = node.nextVip(IpFamily.IPV6);
        node.apply(singleStack("churn6", vip));
        node.apply(slice(IpFamily.IPV6, "churn6", "churn6-1", echoPorts(), List.of(node.a, node.b)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a, node.b));

        assertServedWhileEndpointsChange(vip, List.of(List.of(node.a, node.b, node.c), List.of(node.c),
                        List.of(node.a, node.c), List.of(node.a)),
                step -> node.apply(slice(IpFamily.IPV6, "churn6", "churn6-1", echoPorts(), step)));
    }

    @Test
    @DisplayName("senda bpf lb list shows both families of a dual-stack Service")
    void lbListShowsBothFamilies() throws IOException {
        String vip4 = node.nextVip(IpFamily.IPV4);
        String vip6 = node.nextVip(IpFamily.IPV6);
        node.apply(dualStack("listed", vip4, vip6));
        slices("listed", List.of(node.a));
        traffic.awaitServedBy(Proto.TCP, node.client, vip6, 80, names(node.a));
        var listed = node.agent().lbList();
        assertTrue(listed.ok(), "bpf lb list: " + listed);
        String table = listed.stdout();
        assertTrue(table.contains(withPort(vip4, 80) + "/TCP"), table);
        assertTrue(table.contains(withPort(vip6, 80) + "/TCP"), table);
        assertTrue(table.contains(IpAddress.parse(node.a.ip(IpFamily.IPV6)).orElseThrow().withPort(E2eNode.ECHO)), table);
        String json = node.agent().lbList("-o", "json").stdout();
        assertTrue(json.contains("\"frontend\": \"" + withPort(vip6, 80) + "/UDP\""), json);
    }
}
