package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.testbed.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The e2e object builders write Services and slices as an API server would hold them (no root needed). */
class KubeObjectsTest {
    private static final Pod POD = new Pod("echo-a", 0, "sd0000-echo-a", "10.244.7.10", "fd00:10:244:7::10", "sd0000p0");

    @Test
    void dualStackServiceListsBothFamiliesPrimaryFirst() {
        Service s = KubeObjects.dualStackService("web", "fd00:96:7::3", "10.96.7.3", port("http", "TCP", 80, 8080));
        assertEquals("fd00:96:7::3", s.getSpec().getClusterIP());
        assertEquals(List.of("fd00:96:7::3", "10.96.7.3"), s.getSpec().getClusterIPs());
        assertEquals(List.of("IPv6", "IPv4"), s.getSpec().getIpFamilies());
        assertEquals("RequireDualStack", s.getSpec().getIpFamilyPolicy());
        assertThrows(IllegalArgumentException.class, () -> KubeObjects.dualStackService("x", "10.96.7.3", "10.96.7.4"));
    }

    @Test
    void singleStackServiceTakesTheFamilyOfItsVip() {
        Service s = KubeObjects.service("v6", "fd00:96:7::4", port("http", "TCP", 80, 8080));
        assertEquals(List.of("IPv6"), s.getSpec().getIpFamilies());
        assertEquals("SingleStack", s.getSpec().getIpFamilyPolicy());
    }

    @Test
    void sliceOfEachFamilyCarriesThePodsAddressOfThatFamily() {
        EndpointSlice v6 = KubeObjects.slice(IpFamily.IPV6, "web", "web-v6", List.of(slicePort("http", "TCP", 8080)), List.of(POD));
        assertEquals("IPv6", v6.getAddressType());
        assertEquals(List.of("fd00:10:244:7::10"), v6.getEndpoints().getFirst().getAddresses());
        EndpointSlice v4 = KubeObjects.slice("web", "web-v4", List.of(slicePort("http", "TCP", 8080)), List.of(POD));
        assertEquals("IPv4", v4.getAddressType());
        assertEquals(List.of("10.244.7.10"), v4.getEndpoints().getFirst().getAddresses());
    }

    @Test
    void eachEndpointNamesThePodsOwnNode() {
        Pod onNode2 = new Pod("echo-b", 1, "sd0000-echo-b", "10.244.8.10", "fd00:10:244:8::10", "sd0000p0", "node-2");
        EndpointSlice s = KubeObjects.slice(IpFamily.IPV6, "web", "web-v6", List.of(slicePort("http", "TCP", 8080)),
                List.of(POD, onNode2));
        assertEquals(List.of("node-1", "node-2"), s.getEndpoints().stream().map(e -> e.getNodeName()).toList());
    }

    @Test
    void aNodeObjectCarriesBothInternalIpsAndItsZone() {
        var n = NodeObjects.node("node-2", "zone-b", List.of("192.168.7.2", "fd00:192:168:7::2"));
        assertEquals(List.of("192.168.7.2", "fd00:192:168:7::2"), NodeObjects.internalIps(n));
        assertEquals("zone-b", n.getMetadata().getLabels().get(NodeObjects.ZONE_LABEL));
        assertEquals("node-2", n.getMetadata().getName());
    }

    @Test
    void zoneHintsNameEachEndpointsNodeZoneAsTheControllerWritesThem() {
        EndpointSlice s = KubeObjects.withZoneHints(KubeObjects.slice(IpFamily.IPV4, "web", "web-v4",
                List.of(slicePort("http", "TCP", 8080)), List.of(POD)), node -> node + "-zone");
        var e = s.getEndpoints().getFirst();
        assertEquals(POD.nodeName() + "-zone", e.getZone());
        assertEquals(List.of(POD.nodeName() + "-zone"), e.getHints().getForZones().stream().map(z -> z.getName()).toList());
        assertEquals(List.of("10.244.7.10"), e.getAddresses(), "the rest of the endpoint is kept");
        Service svc = KubeObjects.withTrafficDistribution(KubeObjects.service("web", "10.96.7.3",
                port("http", "TCP", 80, 8080)), "PreferClose");
        assertEquals("PreferClose", svc.getSpec().getTrafficDistribution());
    }
}
