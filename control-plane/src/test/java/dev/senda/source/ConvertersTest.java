package dev.senda.source;

import dev.senda.model.EndpointConditions;
import dev.senda.model.Node;
import dev.senda.model.ObjectRef;
import dev.senda.model.ServiceLoadBalancer;
import dev.senda.model.TargetPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void nodeKeepsAddressesTaintsAndDeletion() {
        var in = new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata().withName("node-a").withNamespace("stray").addToLabels(Node.ZONE_LABEL, "zone-1")
                .withDeletionTimestamp("2024-05-01T10:00:00Z").endMetadata()
                .withNewSpec().withUnschedulable(true)
                .addNewTaint().withKey("k").withValue("v").withEffect("NoSchedule").endTaint().endSpec()
                .withNewStatus()
                .addNewAddress().withType("InternalIP").withAddress("192.168.0.10").endAddress()
                .addNewAddress().withType("Hostname").withAddress("node-a").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("fd00::10").endAddress()
                .endStatus().build();
        Node n = Converters.node(in);
        assertEquals(new ObjectRef("", "node-a"), n.ref());
        assertEquals("zone-1", n.labels().get(Node.ZONE_LABEL));
        assertEquals(List.of(new Node.Address("InternalIP", "192.168.0.10"), new Node.Address("Hostname", "node-a"),
                new Node.Address("InternalIP", "fd00::10")), n.addresses());
        assertTrue(n.deleting());
        assertEquals(List.of(new Node.Taint("k", "v", "NoSchedule")), n.taints());
        assertEquals(Boolean.TRUE, n.unschedulable());

        Node empty = Converters.node(new io.fabric8.kubernetes.api.model.Node());
        assertEquals(new ObjectRef("", ""), empty.ref());
        assertTrue(empty.addresses().isEmpty());
        assertTrue(empty.taints().isEmpty());
        assertFalse(empty.deleting());
        assertNull(empty.unschedulable());
        assertNull(Converters.node(null));
    }

    @Test
    void serviceKeepsLoadBalancerFields() {
        var in = new ServiceBuilder()
                .withNewMetadata().withNamespace("ns").withName("lb").endMetadata()
                .withNewSpec().withType("LoadBalancer").withAllocateLoadBalancerNodePorts(false)
                .withHealthCheckNodePort(32000).withLoadBalancerSourceRanges("10.0.0.0/8", "bogus").endSpec()
                .withNewStatus().withNewLoadBalancer()
                .addNewIngress().withIp("198.51.100.1").withIpMode("Proxy").endIngress()
                .addNewIngress().withHostname("lb.example.com").endIngress()
                .endLoadBalancer().endStatus().build();
        ServiceLoadBalancer lb = Converters.service(in).loadBalancer();
        assertEquals(List.of(new ServiceLoadBalancer.Ingress("198.51.100.1", null, "Proxy"),
                new ServiceLoadBalancer.Ingress(null, "lb.example.com", null)), lb.ingress());
        assertEquals(Boolean.FALSE, lb.allocateLoadBalancerNodePorts());
        assertEquals(32000, lb.healthCheckNodePort());
        assertEquals(List.of("10.0.0.0/8", "bogus"), lb.sourceRanges());
        assertEquals(ServiceLoadBalancer.NONE, Converters.service(new io.fabric8.kubernetes.api.model.Service()).loadBalancer());
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

    @Test
    void endpointSliceTriggerTimeFromItsAnnotation() {
        var stamped = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace("ns").withName("s")
                .addToAnnotations("endpoints.kubernetes.io/last-change-trigger-time", "2025-03-04T05:06:07Z")
                .endMetadata().build();
        assertEquals(java.util.Optional.of(Instant.parse("2025-03-04T05:06:07Z")),
                Converters.endpointSlice(stamped).lastChangeTriggerTime());
        var unreadable = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace("ns").withName("s")
                .addToAnnotations("endpoints.kubernetes.io/last-change-trigger-time", "yesterday")
                .endMetadata().build();
        assertTrue(Converters.endpointSlice(unreadable).lastChangeTriggerTime().isEmpty());
        assertTrue(Converters.endpointSlice(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice())
                .lastChangeTriggerTime().isEmpty());
    }

    @Test
    void sliceEndpointTopologyHints() {
        var in = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace("ns").withName("s").endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.0.0.1").withNewHints()
                .addNewForZone("z1").addNewForZone("z2").addNewForNode("n1").addNewForNode(null).endHints()
                .endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.2").withNewHints().endHints().endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.3").endEndpoint()
                .build();
        var eps = Converters.endpointSlice(in).endpoints();
        assertEquals(List.of("z1", "z2"), eps.get(0).zoneHints());
        assertEquals(List.of("n1"), eps.get(0).nodeHints(), "a hint without a name names nothing");
        for (int i = 1; i < 3; i++) {
            assertEquals(List.of(), eps.get(i).zoneHints());
            assertEquals(List.of(), eps.get(i).nodeHints());
        }
    }
}
