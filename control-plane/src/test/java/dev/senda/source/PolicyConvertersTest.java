package dev.senda.source;

import dev.senda.model.LabelSelector;
import dev.senda.model.Namespace;
import dev.senda.model.NetworkPolicy;
import dev.senda.model.ObjectRef;
import dev.senda.model.Pod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NetworkPolicy kinds read from YAML exactly as {@code --source dir:} reads them. */
class PolicyConvertersTest {
    private static <T> T only(String yaml, Kind<?, T> kind) throws Exception {
        List<T> all = YamlObjects.parse(yaml).all(kind);
        assertEquals(1, all.size(), yaml);
        return all.getFirst();
    }

    @Test
    void podKeepsLabelsNodeIpsAndNamedPortsOnly() throws Exception {
        Pod p = only("""
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: x, labels: {pod: a}, annotations: {big: dropped}}
                spec:
                  nodeName: node-a
                  containers:
                    - name: c
                      image: i
                      ports:
                        - {name: serve-80, containerPort: 80}
                        - {containerPort: 8080}
                        - {name: serve-81-udp, containerPort: 81, protocol: UDP}
                  initContainers:
                    - name: sidecar
                      ports: [{name: side, containerPort: 9000, protocol: SCTP}]
                status:
                  phase: Running
                  podIP: 10.0.0.1
                  podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}]
                """, Kinds.POD);
        assertEquals(new Pod(new ObjectRef("x", "a"), Map.of("pod", "a"), "node-a", false, "Running",
                List.of("10.0.0.1", "fd00::1"), List.of(new Pod.NamedPort("serve-80", 80, null),
                new Pod.NamedPort("serve-81-udp", 81, "UDP"), new Pod.NamedPort("side", 9000, "SCTP"))), p);

        Pod old = only("""
                apiVersion: v1
                kind: Pod
                metadata: {name: b, namespace: x}
                spec: {hostNetwork: true}
                status: {podIP: 10.0.0.2}
                """, Kinds.POD);
        assertEquals(List.of("10.0.0.2"), old.podIPs(), "podIP alone when podIPs is absent");
        assertTrue(old.hostNetwork());
        assertNull(old.nodeName());

        Pod empty = Converters.pod(new io.fabric8.kubernetes.api.model.Pod());
        assertTrue(empty.podIPs().isEmpty());
        assertFalse(empty.hostNetwork());
    }

    @Test
    void namespaceIsClusterScoped() throws Exception {
        Namespace ns = only("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: x, namespace: stray, labels: {team: a}}
                """, Kinds.NAMESPACE);
        assertEquals(new Namespace(new ObjectRef("", "x"), Map.of("team", "a")), ns);
    }

    @Test
    void networkPolicyKeepsTheWholeSpec() throws Exception {
        NetworkPolicy np = only("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: p, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                    matchExpressions: [{key: tier, operator: In, values: [web, api]}]
                  policyTypes: [Ingress, Egress]
                  ingress:
                    - from:
                        - podSelector: {}
                          namespaceSelector: {matchLabels: {ns: y}}
                        - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                      ports:
                        - {port: 80}
                        - {protocol: UDP, port: serve-81-udp}
                        - {port: 1000, endPort: 2000}
                  egress:
                    - {}
                """, Kinds.NETWORK_POLICY);
        assertEquals(new ObjectRef("x", "p"), np.ref());
        assertEquals(new LabelSelector(Map.of("pod", "a"),
                List.of(new LabelSelector.Requirement("tier", "In", List.of("web", "api")))), np.podSelector());
        assertEquals(List.of("Ingress", "Egress"), np.policyTypes());
        assertEquals(List.of(new NetworkPolicy.Rule(
                List.of(new NetworkPolicy.Peer(LabelSelector.ALL, new LabelSelector(Map.of("ns", "y"), List.of()), null),
                        new NetworkPolicy.Peer(null, null, new NetworkPolicy.IpBlock("10.0.0.0/8", List.of("10.1.0.0/16")))),
                List.of(new NetworkPolicy.Port(null, 80, null, null), new NetworkPolicy.Port("UDP", null, "serve-81-udp", null),
                        new NetworkPolicy.Port(null, 1000, null, 2000)))), np.ingress());
        assertEquals(List.of(new NetworkPolicy.Rule(List.of(), List.of())), np.egress());

        NetworkPolicy bare = Converters.networkPolicy(new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy());
        assertEquals(LabelSelector.ALL, bare.podSelector(), "an absent podSelector selects every pod, as the API defaults it");
    }
}
