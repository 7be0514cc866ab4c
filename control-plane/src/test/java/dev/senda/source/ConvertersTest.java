package dev.senda.source;

import dev.senda.model.EndpointConditions;
import dev.senda.model.ObjectRef;
import dev.senda.model.TargetPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvertersTest {
    @Test
    void emptyObjectsConvertWithoutThrowing() {
        var svc = Converters.service(new io.fabric8.kubernetes.api.model.Service());
        assertEquals(new ObjectRef("", ""), svc.ref());
        assertTrue(svc.ports().isEmpty());
        assertNull(svc.clusterIP());
        assertTrue(svc.ipFamilies().isEmpty());
        assertNull(svc.ipFamilyPolicy());
        var slice = Converters.endpointSlice(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice());
        assertNull(slice.serviceName());
        assertNull(slice.addressType());
        assertTrue(slice.endpoints().isEmpty());
    }

    @Test
    void keepsRawValues() {
        var in = new ServiceBuilder()
                .withNewMetadata().withNamespace("ns").withName("n").withCreationTimestamp("2024-05-01T10:00:00Z")
                .addToLabels("a", "b").endMetadata()
                .withNewSpec().withClusterIP("999.1.1.1").withType("Weird")
                .addNewPort().withPort(70000).withProtocol("ICMP").withTargetPort(new IntOrString("http")).endPort()
                .addNewPort().withPort(81).withTargetPort(new IntOrString(8081)).endPort()
                .addNewPort().withPort(82).endPort()
                .endSpec().build();
        var svc = Converters.service(in);
        assertEquals("999.1.1.1", svc.clusterIP());
        assertEquals("Weird", svc.type());
        assertEquals(Instant.parse("2024-05-01T10:00:00Z"), svc.creationTimestamp());
        assertEquals(70000, svc.ports().get(0).port());
        assertEquals("ICMP", svc.ports().get(0).protocol());
        assertEquals(new TargetPort.Named("http"), svc.ports().get(0).targetPort());
        assertEquals(new TargetPort.Number(8081), svc.ports().get(1).targetPort());
        assertNull(svc.ports().get(2).targetPort());
        assertNull(svc.ports().get(2).protocol());
        assertEquals("b", svc.labels().get("a"));
    }

    @Test
    void dualStackFieldsAsGiven() {
        var in = new ServiceBuilder().withNewMetadata().withName("x").endMetadata()
                .withNewSpec().withClusterIP("fd00::a").withClusterIPs("fd00::a", "10.96.0.10")
                .withIpFamilies("IPv6", "IPv9").withIpFamilyPolicy("RequireDualStack").endSpec().build();
        var svc = Converters.service(in);
        assertEquals(List.of("fd00::a", "10.96.0.10"), svc.clusterIPs());
        assertEquals(List.of("IPv6", "IPv9"), svc.ipFamilies());
        assertEquals("RequireDualStack", svc.ipFamilyPolicy());
    }

    @Test
    void sessionAffinityAndItsTimeoutAsGiven() {
        var in = new ServiceBuilder().withNewMetadata().withName("x").endMetadata()
                .withNewSpec().withSessionAffinity("ClientIP").withNewSessionAffinityConfig().withNewClientIP()
                .withTimeoutSeconds(99999).endClientIP().endSessionAffinityConfig().endSpec().build();
        var svc = Converters.service(in);
        assertEquals("ClientIP", svc.sessionAffinity());
        assertEquals(99999, svc.sessionAffinityTimeoutSeconds(), "out of range, but validating is desired state's job");
        var noConfig = new ServiceBuilder().withNewMetadata().withName("y").endMetadata()
                .withNewSpec().withSessionAffinity("ClientIP").withNewSessionAffinityConfig().endSessionAffinityConfig()
                .endSpec().build();
        assertNull(Converters.service(noConfig).sessionAffinityTimeoutSeconds());
        assertNull(Converters.service(new io.fabric8.kubernetes.api.model.Service()).sessionAffinityTimeoutSeconds());
    }

    @Test
    void badTimestampIsNull() {
        var in = new ServiceBuilder().withNewMetadata().withName("x").withCreationTimestamp("yesterday").endMetadata().build();
        assertNull(Converters.service(in).creationTimestamp());
    }

    @Test
    void sliceEndpointsAndConditions() {
        var in = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace("ns").withName("s").addToLabels("kubernetes.io/service-name", "svc")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withPort(8080).endPort()
                .addNewEndpoint().withAddresses("10.0.0.1").withNodeName("n1").withZone("z1").endEndpoint()
                .addNewEndpoint().withAddresses("bogus", "10.0.0.2")
                .withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions()
                .endEndpoint()
                .build();
        var slice = Converters.endpointSlice(in);
        assertEquals("svc", slice.serviceName());
        assertEquals("", slice.ports().getFirst().name());
        assertEquals(EndpointConditions.UNSET, slice.endpoints().get(0).conditions());
        assertEquals("n1", slice.endpoints().get(0).nodeName());
        assertEquals("z1", slice.endpoints().get(0).zone());
        assertEquals(List.of("bogus", "10.0.0.2"), slice.endpoints().get(1).addresses());
        assertEquals(new EndpointConditions(false, true, true), slice.endpoints().get(1).conditions());
    }
}
