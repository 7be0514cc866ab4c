package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.Pod;
import dev.senda.testbed.TcpSession;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.senda.e2e.NetpolObjects.from;
import static dev.senda.e2e.NetpolObjects.ingress;
import static dev.senda.e2e.NetpolObjects.labels;
import static dev.senda.e2e.NetpolObjects.pods;
import static dev.senda.e2e.NetpolObjects.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NetworkPolicy for SCTP end to end: real SCTP associations (socat in the pods) through the cluster IP
 * of a Service, per-packet LB ({@code --socket-lb=false}), IPv4. No socket-LB variant: socket LB leaves SCTP
 * sockets alone and SCTP Services need per-packet mode (README, feature table). The protocol half of
 * issue 7's probe matrix that the host kernel cannot run; the TCP and UDP matrix is
 * {@link NetpolPerPacketE2eTest} and {@link NetpolSocketLbE2eTest}.
 *
 * <p>Tagged {@value SctpPerPacketE2eTest#TAG} like {@link SctpPerPacketE2eTest}: it needs SCTP sockets,
 * so surefire excludes it and {@code vm-tests/qemu/run-suite.sh} runs it on Debian's kernel.
 *
 * <p>Server: echo-a, labelled {@code app=echo-a}, with an SCTP server on 80 and one on 81, each
 * greeting an association with {@code "<pod> <port>"}; Service {@value #SERVICE} maps SCTP 80 and 81
 * to them. Clients: client (the one a policy allows) and client2 (allowed by none). An allowed
 * association is polled with a bound; a denied one is an association that does not come up within
 * {@link #DENIED} (a policy drop is silent: the INIT is never answered), checked again after the
 * allowed ones so that a denial is not just a policy still converging.
 */
@Tag(SctpPerPacketE2eTest.TAG)
class NetpolSctpE2eTest extends AgentNodeE2e {
    private static final String SERVICE = "sctp-netpol";
    private static final List<Integer> PORTS = List.of(80, 81);
    /** Bound of an association that must not come up: socat gives up connecting after 3 s. */
    private static final Duration DENIED = Duration.ofSeconds(5);
    /** Bound of one association that should come up. */
    private static final Duration ATTEMPT = Duration.ofSeconds(10);
    /** Bound of a change to take effect: each association starts a socat, slow under TCG. */
    private static final Duration SCTP_CONVERGE = Duration.ofSeconds(60);

    private String vip;

    @Override
    boolean socketLb() {
        return false;
    }

    @BeforeAll
    void startSctpServers() throws IOException {
        assertTrue(Files.isDirectory(Path.of("/proc/net/sctp")),
                "this kernel has no SCTP sockets (modprobe sctp; vm-tests/qemu/run-suite.sh loads it)");
        for (int port : PORTS) {
            Path log = node.logDir.resolve(node.tb.prefix() + "-sctp-server-" + node.a.name() + "-" + port + ".log");
            List<String> cmd = node.tb.clientCommand(node.a, false, "socat", "-T", "30",
                    "SCTP4-LISTEN:" + port + ",reuseaddr,fork", "SYSTEM:echo " + node.a.name() + " " + port + "; exec cat");
            node.tb.processes().track(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
        }
        vip = node.nextVip(IpFamily.IPV4);
    }

    /**
     * Deletes this class's NetworkPolicies (AgentNodeE2e deletes only Services and EndpointSlices), so
     * the next case starts unisolated; it polls its first allowed association until the deletion took effect.
     */
    @AfterEach
    void deletePolicies() {
        if (node != null) {
            node.kube().network().v1().networkPolicies().inNamespace(KubeObjects.NAMESPACE).list().getItems()
                    .forEach(node::delete);
        }
    }

    /** Namespace, the pods, the Service and its EndpointSlice (the last two deleted after each test by AgentNodeE2e). */
    private void applyCluster() {
        node.apply(NetpolObjects.namespace(KubeObjects.NAMESPACE, Map.of()));
        for (Pod p : List.of(node.a, node.client, node.client2)) node.apply(pod(p));
        node.apply(KubeObjects.service(SERVICE, vip, PORTS.stream()
                .map(p -> KubeObjects.port("sctp-" + p, "SCTP", p, p)).toArray(io.fabric8.kubernetes.api.model.ServicePort[]::new)));
        List<EndpointPort> ports = PORTS.stream().map(p -> KubeObjects.slicePort("sctp-" + p, "SCTP", p)).toList();
        node.apply(KubeObjects.slice(IpFamily.IPV4, SERVICE, SERVICE + "-1", ports, List.of(node.a)));
    }

    @Test
    @DisplayName("SCTP through a Service cluster IP without a policy: both ports reached from every pod")
    void noPolicyAllowsSctp() throws IOException {
        applyCluster();
        for (Pod from : List.of(node.client, node.client2)) {
            for (int port : PORTS) awaitAllowed(from, port);
        }
    }

    @Test
    @DisplayName("should enforce policy based on Ports")
    void shouldEnforcePolicyBasedOnPorts() throws IOException {
        applyCluster();
        awaitAllowed(node.client2, 80); // converged without a policy first: a later denial is the policy's
        node.apply(allowFromClient(NetpolObjects.port("SCTP", 80)));
        awaitDenied(node.client2, 80);
        awaitAllowed(node.client, 80);
        assertDenied(node.client, 81);
        assertDenied(node.client2, 81);
        assertDenied(node.client2, 80);
    }

    @Test
    @DisplayName("should not treat 'protocol: TCP' as allowing SCTP")
    void tcpPolicyDeniesSctp() throws IOException {
        applyCluster();
        awaitAllowed(node.client, 80);
        node.apply(allowFromClient(NetpolObjects.port("TCP", 80)));
        awaitDenied(node.client, 80);
        assertDenied(node.client2, 80);
    }

    /** Ingress to echo-a only from client, on {@code port}. */
    private static HasMetadata allowFromClient(NetworkPolicyPort port) {
        return policy(KubeObjects.NAMESPACE, "allow-client", labels("app", "echo-a"),
                ingress(from(List.of(pods(labels("app", "client"))), port)));
    }

    private void awaitAllowed(Pod from, int port) throws IOException {
        List<String> errors = new ArrayList<>();
        String greeting = Poll.result(SCTP_CONVERGE, Duration.ofMillis(100), () -> {
            try {
                return associate(from, port, ATTEMPT);
            } catch (IOException e) {
                errors.add(e.getMessage());
                return null;
            }
        }, g -> g != null, last -> "an SCTP association from " + from.name() + " to " + vip + ":" + port
                + "; last errors: " + errors.subList(Math.max(0, errors.size() - 3), errors.size()));
        assertEquals(node.a.name() + " " + port, greeting, "greeting over " + vip + ":" + port);
        E2eNode.log("SCTP " + vip + ":" + port + " from " + from.name() + " allowed after " + errors.size()
                + " failed attempt(s)");
    }

    /** Polls until an association from {@code from} no longer comes up (a new policy took effect). */
    private void awaitDenied(Pod from, int port) {
        Poll.until(SCTP_CONVERGE, () -> denied(from, port),
                () -> "SCTP " + from.name() + " -> " + vip + ":" + port + " still allowed");
        E2eNode.log("SCTP " + vip + ":" + port + " from " + from.name() + " denied");
    }

    private void assertDenied(Pod from, int port) {
        assertTrue(denied(from, port), "SCTP " + from.name() + " -> " + vip + ":" + port + " must be denied");
    }

    private boolean denied(Pod from, int port) {
        try {
            associate(from, port, DENIED);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * One association to the cluster IP: the server's greeting, then a line echoed back.
     *
     * @throws IOException when the association does not come up (or a line does not come) within {@code bound}
     */
    private String associate(Pod from, int port, Duration bound) throws IOException {
        try (TcpSession s = node.tb.openSctpSession(from, vip, port)) {
            String greeting = s.readLine(bound);
            s.send("ping");
            String echoed = s.readLine(Duration.ofSeconds(5));
            if (!echoed.equals("ping")) throw new IOException("echoed " + echoed);
            return greeting;
        }
    }

    /** The testbed pod as the API would show it: on this node, Running, labelled app=<name>, SCTP ports. */
    private HasMetadata pod(Pod p) {
        PodBuilder b = new PodBuilder().withNewMetadata().withNamespace(KubeObjects.NAMESPACE).withName(p.name())
                .withLabels(Map.of("app", p.name())).endMetadata()
                .withNewSpec().withNodeName(node.tb.nodeName()).endSpec();
        for (int port : PORTS) {
            b = b.editSpec().addNewContainer().withName("sctp-" + port).withImage("none")
                    .withPorts(new ContainerPortBuilder().withName("sctp-" + port).withContainerPort(port)
                            .withProtocol("SCTP").build()).endContainer().endSpec();
        }
        return b.withNewStatus().withPhase("Running").withPodIP(p.ip())
                .withPodIPs(new PodIP(p.ip()), new PodIP(p.ipv6())).endStatus().build();
    }
}
