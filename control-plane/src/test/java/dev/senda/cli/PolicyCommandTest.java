package dev.senda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code senda policy get} end to end on a {@code --source dir:}, text and JSON. */
class PolicyCommandTest {
    private static final String CLUSTER = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: x}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: a, namespace: x, labels: {pod: a}}
            spec:
              nodeName: node-a
              containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]
            status: {phase: Running, podIPs: [{ip: 10.0.1.1}, {ip: "fd00::1"}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b, namespace: x, labels: {pod: b}}
            spec: {nodeName: node-b}
            status: {phase: Running, podIP: 10.0.2.2}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: host, namespace: x}
            spec: {nodeName: node-a, hostNetwork: true}
            status: {phase: Running, podIP: 192.168.0.1}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
                - from: [{podSelector: {matchLabels: {pod: b}}}]
                  ports: [{port: http}, {port: 9000, endPort: 9100}]
                - from: [{ipBlock: {cidr: 10.9.0.0/16, except: [10.9.9.0/24]}}]
                  ports: [{protocol: UDP, port: 53}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: also-from-b, namespace: x}
            spec:
              podSelector: {}
              ingress:
                - from: [{podSelector: {matchLabels: {pod: b}}}]
                  ports: [{port: 8080}, {protocol: ICMP}]
            """;

    @TempDir
    Path dir;

    private String[] args(String pod, String... more) throws Exception {
        Files.writeString(dir.resolve("cluster.yaml"), CLUSTER);
        String[] base = {"policy", "get", pod, "--source", "dir:" + dir};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void textShowsIsolationEveryPeerWithItsPortsAndPoliciesAndRejections() throws Exception {
        assertEquals("""
                pod x/a on node node-a, addresses 10.0.1.1 fd00::1
                ingress: isolated by x/also-from-b, x/web (only the peers below are allowed in)
                  PEER                     ALLOWED                          BY
                  10.0.2.2/32              TCP 8080, TCP 9000-9100          TCP 8080 (x/also-from-b), TCP 8080 (x/web), TCP 9000-9100 (x/web)
                  10.9.0.0/16              UDP 53                           UDP 53 (x/web)
                  10.9.9.0/24              deny                             (an ipBlock except)
                egress: not isolated (everything allowed)
                rejected NetworkPolicy x/also-from-b: spec.ingress[0].ports[1].protocol: unknown protocol "ICMP"
                """, CliRun.stdout(args("x/a")));
    }

    @Test
    void aPodPolicyDoesNotApplyToSaysWhy() throws Exception {
        assertEquals("""
                pod x/host on node node-a, addresses 192.168.0.1
                not enforced: hostNetwork pod: its traffic is the node's, no policy applies
                rejected NetworkPolicy x/also-from-b: spec.ingress[0].ports[1].protocol: unknown protocol "ICMP"
                """, CliRun.stdout(args("x/host")), "the policy's podSelector {} selects it, so its rejections are shown");
    }

    @Test
    void jsonCarriesTheSameFacts() throws Exception {
        JsonNode root = new ObjectMapper().readTree(CliRun.stdout(args("x/a", "-o", "json")));
        assertEquals("x/a", root.get("pod").asText());
        assertEquals("node-a", root.get("node").asText());
        assertTrue(root.get("enforced").asBoolean());
        assertEquals(2, root.get("addresses").size());
        JsonNode ingress = root.get("ingress");
        assertTrue(ingress.get("isolated").asBoolean());
        assertEquals("x/also-from-b", ingress.get("isolatedBy").get(0).asText());
        JsonNode first = ingress.get("rules").get(0);
        assertEquals("10.0.2.2/32", first.get("peer").asText());
        assertEquals("TCP", first.get("ports").get(0).get("protocol").asText());
        assertEquals(8080, first.get("ports").get(0).get("first").asInt());
        assertEquals("x/also-from-b", first.get("ports").get(0).get("policy").asText());
        assertEquals(3, first.get("allowedBy").size());
        assertEquals(0, ingress.get("rules").get(2).get("ports").size(), "the except denies");
        assertTrue(!root.get("egress").get("isolated").asBoolean());
        assertEquals("x/also-from-b", root.get("rejections").get(0).get("policy").asText());
    }

    @Test
    void anUnknownPodOrAMalformedNameIsAnError() throws Exception {
        CliRun.Failure missing = CliRun.stderr(args("x/nope"));
        assertTrue(missing.exitCode() != 0);
        assertTrue(missing.stderr().contains("no pod x/nope"), missing.stderr());
        CliRun.Failure malformed = CliRun.stderr(args("nope"));
        assertTrue(malformed.exitCode() != 0);
        assertTrue(malformed.stderr().contains("expected NAMESPACE/POD"), malformed.stderr());
    }
}
