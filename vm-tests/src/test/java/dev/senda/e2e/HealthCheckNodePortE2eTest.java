package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Testbed;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import static dev.senda.e2e.AgentNodeE2e.CONVERGE;
import static dev.senda.e2e.AgentNodeE2e.echoPorts;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slice;

/**
 * The health-check node port of a LoadBalancer Service with externalTrafficPolicy Local on the
 * two-node cluster (per-packet agents): probed from the external client over HTTP as a cloud load
 * balancer would, on each node's address.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthCheckNodePortE2eTest {
    private E2eCluster c;
    /** Ports no other test of this run uses. */
    private final int nodePort = 30000 + new SecureRandom().nextInt(1300);
    private final int healthCheckNodePort = nodePort + 1400;

    @BeforeAll
    void startCluster() throws IOException {
        c = E2eCluster.create(getClass().getSimpleName());
        try {
            c.startAgents(false);
        } catch (IOException | RuntimeException e) {
            try {
                c.close();
            } catch (RuntimeException x) {
                e.addSuppressed(x);
            }
            throw e;
        }
    }

    @AfterAll
    void stopCluster() {
        if (c != null) c.close();
    }

    /** "code body" of an HTTP GET from the external client to {@code node}'s IPv4 address; "000 " when nothing answered. */
    private String probe(Testbed node) throws IOException {
        String url = "http://" + IpAddress.parse(c.cluster.nodeAddress(node, IpFamily.IPV4)).orElseThrow()
                .withPort(healthCheckNodePort) + "/healthz";
        Exec.Result r = Exec.run(Duration.ofSeconds(5), "ip", "netns", "exec", c.external.netns(), "curl", "-sS",
                "--max-time", "2", "-o", "/dev/stdout", "-w", " %{http_code}", url);
        String out = r.stdout().strip();
        int space = out.lastIndexOf(' ');
        return space < 0 ? "000 " : out.substring(space + 1) + " " + out.substring(0, space).strip();
    }

    private void awaitProbe(Testbed node, String expected) throws IOException {
        Poll.result(CONVERGE, Duration.ofMillis(200), () -> probe(node), expected::equals,
                last -> node.nodeName() + " health check node port to answer '" + expected + "'; last: " + last);
        E2eNode.log(node.nodeName() + " health check node port: " + expected);
    }

    private static String body(int localEndpoints) {
        return "{\"service\": {\"namespace\": \"" + KubeObjects.NAMESPACE + "\",\"name\": \"hcnp\"},\"localEndpoints\": "
                + localEndpoints + ",\"serviceProxyHealthy\": true}";
    }

    @Test
    @DisplayName("should fail health check node port if there are only terminating endpoints")
    void shouldFailHealthCheckNodePortIfThereAreOnlyTerminatingEndpoints() throws IOException {
        Service base = KubeObjects.withNodePort(KubeObjects.service("hcnp", c.nextVip(IpFamily.IPV4),
                port("http", "TCP", 80, E2eNode.ECHO)), nodePort);
        c.apply(new ServiceBuilder(base).editSpec().withType("LoadBalancer").withExternalTrafficPolicy("Local")
                .withHealthCheckNodePort(healthCheckNodePort).endSpec().build());
        c.apply(slice("hcnp", "hcnp-1", echoPorts(), List.of(c.echo1a), true, true, false));
        // node-1 runs the ready endpoint, node-2 none
        awaitProbe(c.node1, "200 " + body(1));
        awaitProbe(c.node2, "503 " + body(0));

        // the only endpoint is terminating (still serving): no node has a ready local endpoint
        c.apply(slice("hcnp", "hcnp-1", echoPorts(), List.of(c.echo1a), false, true, true));
        awaitProbe(c.node1, "503 " + body(0));
        awaitProbe(c.node2, "503 " + body(0));
    }
}
