package dev.senda.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NetworkPolicy on one node with the real agent, in both datapath modes, both families: what the
 * datapath enforces once the agent programmed a policy (an isolated pod reached only by the allowed pod
 * on the allowed port, replies passing although the pod is isolated for egress too, egress judged per
 * destination pod), that the node itself always reaches its pods, that {@code senda bpf policy list}
 * shows the entries, and that all of it holds while the agent is stopped (the pins persist).
 *
 * <p>Pods (testbed): echo-a isolated both ways, ingress only from client2 on TCP {@link E2eNode#ECHO};
 * client isolated for egress, only to echo-b on TCP {@link E2eNode#ECHO}; echo-c not isolated.
 */
@Tag("privileged")
class PolicyEnforcementE2eTest {
    private static final Duration DENIED = Duration.ofSeconds(1);
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @ParameterizedTest(name = "socket LB {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("an isolated pod is reached only as its policy allows, by the node always, also while the agent is stopped")
    void policyIsEnforcedAndOutlivesTheAgent(boolean socketLb) throws Exception {
        try (E2eNode node = E2eNode.create(getClass().getSimpleName() + (socketLb ? "-sock" : "-pkt"))) {
            AgentProcess agent = node.startAgent(socketLb);
            node.apply(new NamespaceBuilder().withNewMetadata().withName(KubeObjects.NAMESPACE)
                    .withLabels(Map.of("kubernetes.io/metadata.name", KubeObjects.NAMESPACE)).endMetadata().build());
            for (Pod p : List.of(node.a, node.b, node.c, node.client, node.client2)) node.apply(pod(node, p));
            node.apply(policy("a-ingress", "echo-a", List.of("Ingress", "Egress"), true));
            node.apply(policy("client-egress", "client", List.of("Egress"), false));

            for (IpFamily f : IpFamily.values()) {
                // converged: client -> echo-a is dropped (a-ingress) and client -> echo-c too (client-egress,
                // another object, which may land in a later sync)
                Poll.until(CONVERGE, () -> denied(node, socketLb, node.client, node.a.ip(f), E2eNode.ECHO),
                        () -> "client -> echo-a (" + f + ") still answered; agent log:\n" + agent.logTail(30));
                Poll.until(CONVERGE, () -> denied(node, socketLb, node.client, node.c.ip(f), E2eNode.ECHO),
                        () -> "client -> echo-c (" + f + ") still answered; agent log:\n" + agent.logTail(30));
                checkEnforced(node, socketLb, f, "with the agent running");
            }
            JsonNode listing = new ObjectMapper().readTree(policyList(agent));
            JsonNode a = endpoint(listing, node.a.ip());
            assertTrue(a.get("isolatedIngress").asBoolean() && a.get("isolatedEgress").asBoolean(), listing.toString());
            assertEquals(a.get("endpointId"), endpoint(listing, node.a.ipv6()).get("endpointId"), "one id per pod");
            boolean ruleForClient2 = false;
            for (JsonNode r : listing.get("rules")) {
                if (r.get("endpointId").equals(a.get("endpointId")) && r.get("peer").asText().equals(node.client2.ip() + "/32")) {
                    ruleForClient2 = r.get("ports").get(0).get("protocol").asText().equals("TCP")
                            && r.get("ports").get(0).get("first").asInt() == E2eNode.ECHO;
                }
            }
            assertTrue(ruleForClient2, "no ingress rule for client2 on TCP " + E2eNode.ECHO + ": " + listing);
            assertTrue(agent.metrics().lines().anyMatch(l -> l.startsWith("senda_policy_verdicts_total{")
                            && l.contains("policy=\"" + KubeObjects.NAMESPACE + "/a-ingress\"") && l.contains("verdict=\"allow\"")),
                    "no allow counted for the policy:\n" + agent.metrics());

            assertEquals(0, agent.stop(), "agent exit code after SIGTERM\n" + agent.logTail(30));
            for (IpFamily f : IpFamily.values()) checkEnforced(node, socketLb, f, "with the agent stopped");
        }
    }

    private static void checkEnforced(E2eNode node, boolean socketLb, IpFamily f, String when) throws IOException {
        String a = node.a.ip(f);
        String what = " (" + f + ", " + when + ")";
        assertTrue(answered(node, socketLb, node.client2, a, E2eNode.ECHO), "client2 -> echo-a allowed, replies pass" + what);
        assertTrue(denied(node, socketLb, node.client2, a, E2eNode.ECHO2), "client2 -> echo-a on another port" + what);
        assertTrue(denied(node, socketLb, node.client, a, E2eNode.ECHO), "client -> echo-a" + what);
        assertTrue(nodeReaches(node, a, E2eNode.ECHO2), "the node -> echo-a" + what);
        assertTrue(answered(node, socketLb, node.client, node.b.ip(f), E2eNode.ECHO), "client -> echo-b (egress allowed)" + what);
        assertTrue(denied(node, socketLb, node.client, node.c.ip(f), E2eNode.ECHO), "client -> echo-c (egress denied)" + what);
        assertTrue(answered(node, socketLb, node.client2, node.c.ip(f), E2eNode.ECHO), "client2 -> echo-c (no policy)" + what);
    }

    private static boolean answered(E2eNode node, boolean socketLb, Pod from, String ip, int port) throws IOException {
        ClientResult r = node.tb.request(Proto.TCP, from, ip, port, socketLb, Duration.ofSeconds(5));
        return r.ok();
    }

    private static boolean denied(E2eNode node, boolean socketLb, Pod from, String ip, int port) {
        try {
            ClientResult r = node.tb.request(Proto.TCP, from, ip, port, socketLb, DENIED);
            return !r.ok() && PolicyProbe.timedOut(r.error());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A TCP connection from the node's own network namespace (a kubelet probe's path), answered. */
    private static boolean nodeReaches(E2eNode node, String ip, int port) throws IOException {
        String target = ip.contains(":") ? "TCP6:[" + ip + "]:" + port : "TCP4:" + ip + ":" + port;
        Exec.Result r = Exec.run(Duration.ofSeconds(10), "nsenter", "--net=" + node.tb.nodeNetnsPath(), "socat", "-T3",
                "-", target + ",connect-timeout=3");
        return r.ok() && !r.stdout().isBlank();
    }

    private static String policyList(AgentProcess agent) throws IOException {
        Exec.Result r = agent.cli("bpf", "policy", "list", "--bpffs-root", agent.settings().bpffsRoot().toString(), "-o", "json");
        assertTrue(r.ok(), "senda bpf policy list: " + r);
        return r.stdout();
    }

    private static JsonNode endpoint(JsonNode listing, String address) {
        for (JsonNode e : listing.get("endpoints")) if (e.get("address").asText().equals(address)) return e;
        throw new AssertionError("no endpoint " + address + " in " + listing);
    }

    /** The testbed pod as the API would show it: on this node, Running, both addresses, labelled app=<name>. */
    private static HasMetadata pod(E2eNode node, Pod p) {
        return new PodBuilder().withNewMetadata().withNamespace(KubeObjects.NAMESPACE).withName(p.name())
                .withLabels(Map.of("app", p.name())).endMetadata()
                .withNewSpec().withNodeName(node.tb.nodeName()).addNewContainer().withName("c").withImage("none")
                .endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(p.ip())
                .withPodIPs(new PodIP(p.ip()), new PodIP(p.ipv6())).endStatus().build();
    }

    /**
     * echo-a's policy (ingress from client2 on TCP ECHO, and no egress at all) or client's (egress to
     * echo-b on TCP ECHO).
     */
    private static HasMetadata policy(String name, String selected, List<String> types, boolean ingress) {
        NetworkPolicyBuilder b = new NetworkPolicyBuilder().withNewMetadata().withNamespace(KubeObjects.NAMESPACE)
                .withName(name).endMetadata();
        var spec = b.withNewSpec().withNewPodSelector().withMatchLabels(Map.of("app", selected)).endPodSelector()
                .withPolicyTypes(types);
        if (ingress) {
            spec = spec.addNewIngress().addNewFrom().withNewPodSelector().withMatchLabels(Map.of("app", "client2"))
                    .endPodSelector().endFrom().addNewPort().withProtocol("TCP").withPort(new IntOrString(E2eNode.ECHO))
                    .endPort().endIngress();
        } else {
            spec = spec.addNewEgress().addNewTo().withNewPodSelector().withMatchLabels(Map.of("app", "echo-b"))
                    .endPodSelector().endTo().addNewPort().withProtocol("TCP").withPort(new IntOrString(E2eNode.ECHO))
                    .endPort().endEgress();
        }
        return spec.endSpec().build();
    }
}
