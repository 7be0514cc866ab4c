package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static dev.senda.e2e.NetpolExpectation.allowAll;
import static dev.senda.e2e.NetpolObjects.NS_NAME_LABEL;
import static dev.senda.e2e.NetpolObjects.egress;
import static dev.senda.e2e.NetpolObjects.expression;
import static dev.senda.e2e.NetpolObjects.from;
import static dev.senda.e2e.NetpolObjects.ingress;
import static dev.senda.e2e.NetpolObjects.ipBlock;
import static dev.senda.e2e.NetpolObjects.labels;
import static dev.senda.e2e.NetpolObjects.namedPort;
import static dev.senda.e2e.NetpolObjects.namespaces;
import static dev.senda.e2e.NetpolObjects.pods;
import static dev.senda.e2e.NetpolObjects.podsInNamespaces;
import static dev.senda.e2e.NetpolObjects.policy;
import static dev.senda.e2e.NetpolObjects.port;
import static dev.senda.e2e.NetpolObjects.protocolOnly;
import static dev.senda.e2e.NetpolObjects.to;
import static dev.senda.e2e.NetpolTruth.select;

/**
 * The rest of upstream's NetworkPolicy cases, on top of the representative set of {@link NetpolE2e}:
 * the full list runs in one datapath mode ({@link NetpolPerPacketE2eTest}, where the Service
 * translation and the egress check share the pod's tc hook), the representative set in both, so
 * the suite stays within a few minutes on two cores.
 */
abstract class NetpolAllCasesE2e extends NetpolE2e {
    @Test
    @DisplayName("should enforce policy to allow traffic from pods within server namespace based on PodSelector")
    void allowFromPodSelector() throws IOException {
        create(policy("x", "x-a-allows-x-b", labels("pod", "a"), ingress(from(List.of(pods(labels("pod", "b")))))));
        m.expect("only x/b into x/a", allowAll().all(t -> t.ingress("x/a", false).set("x/b", "x/a", true)));
    }

    @Test
    @DisplayName("should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector")
    void allowFromNamespaceSelector() throws IOException {
        // a namespace's own label (ns=y), where the default-ns-label case below uses kubernetes.io/metadata.name
        create(policy("x", "allow-client-a-via-ns-selector", labels("pod", "a"),
                ingress(from(List.of(namespaces(labels("ns", "y")))))));
        m.expect("only y into x/a", onlyNamespaceYIntoXa());
    }

    @Test
    @DisplayName("should enforce policy based on PodSelector with MatchExpressions")
    void podSelectorMatchExpressions() throws IOException {
        create(policy("x", "x-a-allows-x-b", labels("pod", "a"),
                ingress(from(List.of(pods(expression("pod", "In", "b")))))));
        m.expect("only x/b into x/a", allowAll().all(t -> t.ingress("x/a", false).set("x/b", "x/a", true)));
    }

    @Test
    @DisplayName("should enforce policy based on NamespaceSelector with MatchExpressions")
    void namespaceSelectorMatchExpressions() throws IOException {
        create(policy("x", "allow-ns-y-match-selector", labels("pod", "a"),
                ingress(from(List.of(namespaces(expression(NS_NAME_LABEL, "In", "y")))))));
        m.expect("only y into x/a", onlyNamespaceYIntoXa());
    }

    @Test
    @DisplayName("should enforce policy based on PodSelector or NamespaceSelector")
    void podSelectorOrNamespaceSelector() throws IOException {
        create(policy("x", "allow-ns-y-match-selector", labels("pod", "a"), ingress(from(List.of(
                namespaces(expression(NS_NAME_LABEL, "NotIn", "x")), pods(labels("pod", "b")))))));
        m.expect("other namespaces or x/b into x/a", allowAll().all(t -> t.set("x/c", "x/a", false)));
    }

    @Test
    @DisplayName("should enforce policy based on PodSelector and NamespaceSelector")
    void podSelectorAndNamespaceSelector() throws IOException {
        create(policy("x", "allow-ns-y-podselector-and-nsselector", labels("pod", "a"), ingress(from(List.of(
                podsInNamespaces(expression(NS_NAME_LABEL, "NotIn", "x"), labels("pod", "b")))))));
        m.expect("y/b and z/b into x/a", allowAll().all(t -> t.ingress("x/a", false)
                .set("y/b", "x/a", true).set("z/b", "x/a", true)));
    }

    @Test
    @DisplayName("should enforce policy based on Ports [IPv6]")
    void portsIpv6() throws IOException {
        ports(IpFamily.IPV6);
    }

    @Test
    @DisplayName("should enforce multiple, stacked policies with overlapping podSelectors")
    void stackedPolicies() throws IOException {
        create(allowYOn("allow-client-a-via-ns-selector", 81));
        m.expect("y into x/a on 81/TCP", allowAll()
                .all(t -> t.ingress("x/a", false))
                .column(Proto.TCP, 81, t -> t.peers(select("y"), select("x/a"), true)));
        create(allowYOn("allow-client-a-via-ns-selector-80", 80));
        m.expect("y into x/a on 80/TCP and 81/TCP", allowAll()
                .all(t -> t.ingress("x/a", false))
                .proto(Proto.TCP, t -> t.peers(select("y"), select("x/a"), true)));
    }

    @Test
    @DisplayName("should allow ingress access on one named port")
    void ingressNamedPort() throws IOException {
        create(policy("x", "allow-all", labels(), ingress(from(null, namedPort("TCP", "serve-81-tcp")))));
        m.expect("into x only on serve-81-tcp", allowAll()
                .where(c -> !(c.proto() == Proto.TCP && c.port() == 81), t -> t.ingress("x", false)));
    }

    @Test
    @DisplayName("should enforce updated policy")
    void updatedPolicy() throws IOException {
        create(policy("x", "allow-all-mutate-to-deny-all", labels(), ingress(from(null))));
        m.expect("allow-all into x", allowAll());
        create(policy("x", "allow-all-mutate-to-deny-all", labels(), ingress()));
        m.expect("updated to deny-all into x", allowAll().all(t -> t.ingress("x", false)));
    }

    @Test
    @DisplayName("should allow ingress access from updated namespace")
    void ingressFromUpdatedNamespace() throws IOException {
        create(policy("x", "allow-client-a-via-ns-selector", labels("pod", "a"),
                ingress(from(List.of(namespaces(labels("ns2", "updated")))))));
        m.expect("nothing into x/a", allowAll().all(t -> t.ingress("x/a", false)));
        m.applyNamespace("y", Map.of("ns2", "updated"));
        m.expect("y labelled ns2=updated: y into x/a", onlyNamespaceYIntoXa());
    }

    @Test
    @DisplayName("should allow ingress access from updated pod")
    void ingressFromUpdatedPod() throws IOException {
        create(policy("x", "allow-client-a-via-pod-selector", labels("pod", "a"),
                ingress(from(List.of(pods(labels("pod", "b", "pod2", "updated")))))));
        m.expect("nothing into x/a", allowAll().all(t -> t.ingress("x/a", false)));
        m.applyPod(NetpolModel.PodId.of("x/b"), Map.of("pod2", "updated"));
        m.expect("x/b labelled pod2=updated: x/b into x/a",
                allowAll().all(t -> t.ingress("x/a", false).set("x/b", "x/a", true)));
    }

    @Test
    @DisplayName("should enforce ingress policy allowing any port traffic to a server on a specific protocol")
    void ingressAnyPortOneProtocol() throws IOException {
        create(policy("x", "allow-ingress-by-proto", labels("pod", "a"), ingress(from(null, protocolOnly("TCP")))));
        m.expect("only TCP into x/a", allowAll().proto(Proto.UDP, t -> t.ingress("x/a", false)));
    }

    @Test
    @DisplayName("should enforce multiple ingress policies with ingress allow-all policy taking precedence")
    void ingressAllowAllTakesPrecedence() throws IOException {
        create(policy("x", "allow-ingress-port-80", labels(), ingress(from(null, port("TCP", 80)))));
        m.expect("into x only on 80/TCP", allowAll()
                .where(c -> !(c.proto() == Proto.TCP && c.port() == 80), t -> t.ingress("x", false)));
        create(policy("x", "allow-ingress", labels(), ingress(from(null))));
        m.expect("allow-all added", allowAll());
    }

    @Test
    @DisplayName("should not allow access by TCP when a policy specifies only UDP")
    void udpOnlyAllowsNoTcp() throws IOException {
        create(policy("x", "allow-only-udp-ingress-on-port-81", labels("pod", "a"), ingress(from(null, port("UDP", 81)))));
        m.expect("into x/a only on 81/UDP", allowAll()
                .where(c -> !(c.proto() == Proto.UDP && c.port() == 81), t -> t.ingress("x/a", false)));
    }

    @Test
    @DisplayName("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP")
    void sctpIsNotTcp() throws IOException {
        create(policy("x", "deny-ingress", labels(), ingress()));
        create(policy("x", "allow-only-sctp-ingress-on-port-81", labels("pod", "a"), ingress(from(null, port("SCTP", 81)))));
        m.expect("nothing into x over TCP or UDP", allowAll().all(t -> t.ingress("x", false)));
    }

    @Test
    @DisplayName("should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label")
    void defaultNamespaceLabel() throws IOException {
        create(policy("x", "allow-client-a-via-ns-selector-for-immutable-ns-label", labels("pod", "a"),
                ingress(from(List.of(namespaces(labels(NS_NAME_LABEL, "y")))))));
        m.expect("only y into x/a", onlyNamespaceYIntoXa());
    }

    @Test
    @DisplayName("should deny egress from pods based on PodSelector")
    void denyEgressPodSelector() throws IOException {
        create(policy("x", "deny-egress-pod-a", labels("pod", "a"), egress()));
        m.expect("nothing out of x/a", allowAll().all(t -> t.egress("x/a", false)));
    }

    @Test
    @DisplayName("should deny egress from all pods in a namespace")
    void denyEgressNamespace() throws IOException {
        create(policy("x", "deny-egress-ns-x", labels(), egress()));
        m.expect("nothing out of x", allowAll().all(t -> t.egress("x", false)));
    }

    @Test
    @DisplayName("should allow egress access to server in CIDR block")
    void egressToCidr() throws IOException {
        egressToCidr(IpFamily.IPV4);
    }

    @Test
    @DisplayName("should allow egress access to server in CIDR block [IPv6]")
    void egressToCidrIpv6() throws IOException {
        egressToCidr(IpFamily.IPV6);
    }

    @Test
    @DisplayName("should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed")
    void overlappingExceptAllowedByAnotherBlock() throws IOException {
        String xb = m.pod("x/b").ip(IpFamily.IPV4);
        create(policy("x", "allow-client-a-via-cidr-egress-rule", labels("pod", "a"),
                egress(to(List.of(ipBlock(largeCidr(xb), host(xb)))))));
        m.expect("x/a anywhere but x/b", allowAll().all(t -> t.set("x/a", "x/b", false)));
        // the same policy replaced by one that names x/b alone
        create(policy("x", "allow-client-a-via-cidr-egress-rule", labels("pod", "a"), egress(to(List.of(ipBlock(host(xb)))))));
        m.expect("x/a only to x/b", allowAll().all(t -> t.egress("x/a", false).set("x/a", "x/b", true)));
    }
}
