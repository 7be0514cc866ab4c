package dev.senda.desired.policy;

import dev.senda.model.Snapshot;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link PolicyCompiler#update}: always the same answer as {@link PolicyCompiler#compile}, and a change
 * re-resolves only the endpoints whose allowances it changes.
 */
class PolicyCompilerUpdateTest {
    private static String cluster(String bLabel, String cIp, String cPort) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata: {name: x}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: x, labels: {app: a}}
                spec: {nodeName: node-a}
                status: {phase: Running, podIP: 10.0.0.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: a2, namespace: x, labels: {app: a}}
                spec: {nodeName: node-a}
                status: {phase: Running, podIP: 10.0.0.11}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: d, namespace: x, labels: {app: d}}
                spec: {nodeName: node-a}
                status: {phase: Running, podIP: 10.0.0.4}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: b, namespace: x, labels: {role: %s}}
                spec: {nodeName: node-b}
                status: {phase: Running, podIP: 10.0.0.2}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: c, namespace: x, labels: {role: server}}
                spec:
                  nodeName: node-b
                  containers: [{name: c, ports: [{name: http, containerPort: %s}]}]
                status: {phase: Running, podIP: %s}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: a-from-clients, namespace: x}
                spec:
                  podSelector: {matchLabels: {app: a}}
                  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: d-to-servers, namespace: x}
                spec:
                  podSelector: {matchLabels: {app: d}}
                  policyTypes: [Egress]
                  egress: [{to: [{podSelector: {matchLabels: {role: server}}}], ports: [{port: http}]}]
                """.formatted(bLabel, cPort, cIp);
    }

    private static PolicyState step(PolicyCompiler compiler, String yaml, int expectedResolutions) throws Exception {
        Snapshot s = GoldenPolicyTest.snapshot(yaml);
        PolicyState state = compiler.update(s, GoldenPolicyTest.NODE_NAME);
        assertEquals(PolicyCompiler.compile(s, GoldenPolicyTest.NODE_NAME), state, "update differs from compile");
        assertEquals(expectedResolutions, compiler.lastResolutions(), PolicyStateDump.render(state));
        return state;
    }

    @Test
    void onlyWhatAChangeAffectsIsResolvedAgain() throws Exception {
        PolicyCompiler compiler = new PolicyCompiler();
        // a and a2 (replicas: same grants) share one resolution; d has its own.
        step(compiler, cluster("client", "10.0.0.3", "8080"), 2);
        step(compiler, cluster("client", "10.0.0.3", "8080"), 0);
        // A Service changes nothing the compiler reads.
        step(compiler, cluster("client", "10.0.0.3", "8080") + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: s, namespace: x}
                spec: {clusterIP: 10.96.0.1, ports: [{port: 80}]}
                """, 0);
        // b's label: only a's (and a2's) ingress peers change.
        step(compiler, cluster("other", "10.0.0.3", "8080"), 1);
        // c's named port: only d's egress changes.
        step(compiler, cluster("other", "10.0.0.3", "9090"), 1);
        // c's IP: d's egress again.
        PolicyState last = step(compiler, cluster("other", "10.0.0.30", "9090"), 1);
        assertEquals("""
                endpoint x/a 10.0.0.1 ingress=isolated egress=open
                endpoint x/a2 10.0.0.11 ingress=isolated egress=open
                endpoint x/d 10.0.0.4 ingress=open egress=isolated
                  egress 10.0.0.30/32: TCP 9090 (x/d-to-servers)
                """, PolicyStateDump.render(last));
    }
}
