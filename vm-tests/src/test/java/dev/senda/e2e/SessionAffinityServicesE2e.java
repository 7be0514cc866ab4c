package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static dev.senda.e2e.KubeObjects.dualStackService;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.withSessionAffinity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session affinity (ClientIP) scenarios named after the Kubernetes e2e tests
 * ({@code test/e2e/network/service.go}), on a dual-stack Service so that each scenario proves both
 * families. Subclasses choose the datapath: socket LB (the client's network namespace is the
 * client) or per-packet LB (the packet's source address is).
 *
 * <p>As upstream checks affinity: a batch of requests from one client pod, each a new TCP
 * connection, all answered by one backend pod; without affinity the same batches reach every pod.
 */
abstract class SessionAffinityServicesE2e extends AgentNodeE2e {
    /** Requests per affinity check: all on one of three pods by chance has p = 3^-14. */
    static final int BATCH = 15;
    /** The short timeout of the timeout scenario (upstream uses 10 s; shorter keeps the run short). */
    static final int SHORT_TIMEOUT = 3;

    private Service echoService(String name, String vip4, String vip6, String mode, Integer timeout) {
        return withSessionAffinity(dualStackService(name, vip4, vip6, port("http", "TCP", 80, E2eNode.ECHO),
                port("udp", "UDP", 80, E2eNode.ECHO)), mode, timeout);
    }

    private List<String> start(String name, String mode, Integer timeout) {
        String vip4 = node.nextVip(IpFamily.IPV4);
        String vip6 = node.nextVip(IpFamily.IPV6);
        node.apply(echoService(name, vip4, vip6, mode, timeout));
        List<Pod> pods = List.of(node.a, node.b, node.c);
        node.apply(slice(IpFamily.IPV4, name, name + "-v4", echoPorts(), pods));
        node.apply(slice(IpFamily.IPV6, name, name + "-v6", echoPorts(), pods));
        return List.of(vip4, vip6);
    }

    /** Waits until a whole batch from {@code from} is answered by one pod, checks a second batch agrees; that pod. */
    private String awaitSticky(Pod from, String vip) throws IOException {
        Traffic.Tally t = traffic.awaitBatch(Proto.TCP, from, vip, 80, BATCH, CONVERGE,
                b -> b.failures().isEmpty() && b.pods().size() == 1, "answered by one pod (affinity)");
        String pod = t.pods().iterator().next();
        Traffic.Tally again = traffic.tally(Proto.TCP, from, vip, 80, BATCH);
        assertTrue(again.failures().isEmpty() && again.pods().equals(java.util.Set.of(pod)),
                "affinity holds for " + from.name() + " to " + vip + ": first " + pod + ", then " + again);
        return pod;
    }

    @Test
    @DisplayName("should have session affinity work for service with type clusterIP")
    void shouldHaveSessionAffinityWorkForServiceWithTypeClusterIp() throws IOException {
        for (String vip : start("affinity", "ClientIP", null)) {
            awaitSticky(node.client, vip);
            awaitSticky(node.client2, vip);  // another client sticks too, to a pod of its own choosing
        }
    }

    @Test
    @DisplayName("should have session affinity timeout work for service with type clusterIP")
    void shouldHaveSessionAffinityTimeoutWorkForServiceWithTypeClusterIp() throws IOException {
        for (String vip : start("affinity-timeout", "ClientIP", SHORT_TIMEOUT)) {
            String first = awaitSticky(node.client, vip);
            // Idle for longer than the timeout (plus the datapath's whole-second clock), the client is
            // balanced afresh: some later request reaches another pod (each try: p = 2/3), as upstream checks.
            Duration idle = Duration.ofSeconds(SHORT_TIMEOUT + 2);
            ClientResult moved = Poll.result(Duration.ofSeconds(90), idle,
                    () -> traffic.one(Proto.TCP, node.client, vip, 80),
                    r -> r.ok() && !r.pod().orElse(first).equals(first),
                    last -> "a request to " + vip + " after " + idle.toSeconds() + " s idle served by another pod than "
                            + first + "; last: " + last);
            E2eNode.log("affinity to " + first + " expired: " + vip + " now served by " + moved.pod().orElseThrow());
        }
    }

    @Test
    @DisplayName("should be able to switch session affinity for service with type clusterIP")
    void shouldBeAbleToSwitchSessionAffinityForServiceWithTypeClusterIp() throws IOException {
        List<String> vips = start("affinity-switch", "ClientIP", null);
        for (String vip : vips) awaitSticky(node.client, vip);

        node.apply(echoService("affinity-switch", vips.get(0), vips.get(1), "None", null));
        for (String vip : vips) {
            Traffic.Tally spread = traffic.awaitServedBy(Proto.TCP, node.client, vip, 80,
                    names(node.a, node.b, node.c), BATCH, CONVERGE);
            assertEquals(3, spread.pods().size(), "affinity off: " + spread);
        }

        node.apply(echoService("affinity-switch", vips.get(0), vips.get(1), "ClientIP", null));
        for (String vip : vips) awaitSticky(node.client, vip);
    }
}
