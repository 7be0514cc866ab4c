package dev.senda.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Cluster;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed.Proto;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.senda.e2e.AgentNodeE2e.CONVERGE;
import static dev.senda.e2e.AgentNodeE2e.echoPorts;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spec.loadBalancerSourceRanges} on the two-node cluster, after the upstream e2e case in
 * {@code test/e2e/network/loadbalancer.go}: a dual-stack LoadBalancer Service whose ingress IPs (in
 * the range the external client routes through node 1) are served by echo-1a on node 1, reached by
 * the external client (through node 1's eth0, {@code --node-devices}), by client-1 on node 1 and by
 * client-2 on node 2 while the ranges change: each is answered only while a range holds its address
 * (kube-proxy drops the others: no answer at all), and everyone once the ranges are gone.
 * Subclasses choose the datapath; in socket-LB mode the pods' sockets are unbound, so socket LB leaves
 * the ranged ingress IPs to per-packet LB at their interfaces (bpf/lib/src_range.h).
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LoadBalancerSourceRangesE2e {
    private static final Duration T = Traffic.REQUEST_TIMEOUT;
    private static final int PORT = 80;

    E2eCluster c;
    /** An ingress IP host number no other test of this class uses. */
    private final int lbHost = 10 + new SecureRandom().nextInt(200);

    /** Whether the agents run socket LB (pod clients start inside the node's cgroup) or per-packet LB. */
    abstract boolean socketLb();

    @BeforeAll
    void startCluster() throws IOException {
        c = E2eCluster.create(getClass().getSimpleName());
        try {
            c.startAgents(socketLb(), List.of("--node-devices", Cluster.NODE_DEVICE));
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
        if (c != null) {
            try {
                c.deleteAll();
            } finally {
                c.close();
            }
        }
    }

    private String ingressIp(IpFamily f) {
        return c.cluster.network().loadBalancer(f, lbHost);
    }

    /** The Service with {@code ranges} (null: the field left out) and its ingress IPs in the status. */
    private Service lbService(String name, String v4, String v6, List<String> ranges) {
        Service base = KubeObjects.dualStackService(name, v4, v6, port("http", "TCP", PORT, E2eNode.ECHO));
        return new ServiceBuilder(base).editSpec().withType("LoadBalancer").withAllocateLoadBalancerNodePorts(false)
                .withLoadBalancerSourceRanges(ranges).endSpec()
                .withNewStatus().withNewLoadBalancer()
                .addNewIngress().withIp(ingressIp(IpFamily.IPV4)).endIngress()
                .addNewIngress().withIp(ingressIp(IpFamily.IPV6)).endIngress()
                .endLoadBalancer().endStatus().build();
    }

    /** Each pod's address of both families as a single-address range. */
    private static List<String> rangesOf(Pod... pods) {
        List<String> out = new ArrayList<>();
        for (Pod p : pods) {
            out.add(p.ip(IpFamily.IPV4) + "/32");
            out.add(p.ip(IpFamily.IPV6) + "/128");
        }
        return out;
    }

    private boolean inCgroup(Pod from) {
        return from != c.external && socketLb();
    }

    /** Until {@code from} reaches the ingress IP of {@code f} and echo-1a sees its own address. */
    private void awaitAllowed(Pod from, IpFamily f) throws IOException {
        String ip = ingressIp(f);
        String expected = "echo-1a " + from.ip(f) + " " + E2eNode.ECHO;
        Poll.result(CONVERGE, Duration.ofMillis(100), () -> c.cluster.request(Proto.TCP, from, ip, PORT, inCgroup(from), T),
                x -> x.ok() && expected.equals(x.answer()),
                last -> from.name() + " -> " + ip + ":" + PORT + " answered '" + expected + "'; last: " + last);
        E2eNode.log(from.name() + " -> " + ip + ":" + PORT + ": allowed");
    }

    /**
     * Until {@code from}'s connections to the ingress IP of {@code f} fail, then two more in a row: dropped
     * (a timeout), never refused, as kube-proxy's firewall rule drops.
     */
    private void awaitDropped(Pod from, IpFamily f) throws IOException {
        String ip = ingressIp(f);
        Poll.result(CONVERGE, Duration.ofMillis(100),
                () -> c.cluster.request(Proto.TCP, from, ip, PORT, inCgroup(from), Traffic.FAILURE_TIMEOUT), x -> !x.ok(),
                last -> from.name() + " -> " + ip + ":" + PORT + " to be dropped; last: " + last);
        for (int i = 0; i < 2; i++) {
            ClientResult r = c.cluster.request(Proto.TCP, from, ip, PORT, inCgroup(from), Traffic.FAILURE_TIMEOUT);
            assertFalse(r.ok(), from.name() + " -> " + ip + " answered although outside the ranges: " + r);
            assertFalse(r.error().contains("refused"), from.name() + " -> " + ip + " refused, not dropped: " + r);
        }
        E2eNode.log(from.name() + " -> " + ip + ":" + PORT + ": dropped");
    }

    /** Checks every client against both ingress IPs: those in {@code allowed} answered, the others dropped. */
    private void checkReachability(Map<Pod, Boolean> expectation) throws IOException {
        for (IpFamily f : IpFamily.values()) {
            for (Map.Entry<Pod, Boolean> e : expectation.entrySet()) {
                if (e.getValue()) awaitAllowed(e.getKey(), f);
                else awaitDropped(e.getKey(), f);
            }
        }
    }

    @Test
    @DisplayName("should only allow access from service loadbalancer source ranges")
    void shouldOnlyAllowAccessFromServiceLoadbalancerSourceRanges() throws IOException {
        String name = "lb-sourcerange";
        String v4 = c.nextVip(IpFamily.IPV4);
        String v6 = c.nextVip(IpFamily.IPV6);
        c.apply(slice(IpFamily.IPV4, name, name + "-v4", echoPorts(), List.of(c.echo1a)));
        c.apply(slice(IpFamily.IPV6, name, name + "-v6", echoPorts(), List.of(c.echo1a)));

        // the accepting sources: the external client and client-1; client-2 is outside
        c.apply(lbService(name, v4, v6, rangesOf(c.external, c.client1)));
        checkReachability(ordered(c.external, true, c.client1, true, c.client2, false));
        assertListedRanges(IpFamily.IPV4, List.of(c.client1.ip(IpFamily.IPV4) + "/32", c.external.ip(IpFamily.IPV4) + "/32"));
        assertListedRanges(IpFamily.IPV6, List.of(c.client1.ip(IpFamily.IPV6) + "/128", c.external.ip(IpFamily.IPV6) + "/128"));

        // only client-2 now
        c.apply(lbService(name, v4, v6, rangesOf(c.client2)));
        checkReachability(ordered(c.external, false, c.client1, false, c.client2, true));

        // the field gone: everyone
        c.apply(lbService(name, v4, v6, null));
        checkReachability(ordered(c.external, true, c.client1, true, c.client2, true));

        // the cluster IP was never restricted
        for (IpFamily f : IpFamily.values()) {
            String vip = f == IpFamily.IPV4 ? v4 : v6;
            ClientResult r = Poll.result(CONVERGE, Duration.ofMillis(100),
                    () -> c.cluster.request(Proto.TCP, c.client2, vip, PORT, socketLb(), T), ClientResult::ok,
                    last -> "client-2 -> " + vip + " answered; last: " + last);
            assertTrue(r.ok(), r.toString());
        }
    }

    /**
     * {@code senda bpf lb list -o json} on node 1 shows the ingress IP's frontend of {@code f} with
     * {@code expected} as its source ranges (in the listing's order: by address).
     */
    private void assertListedRanges(IpFamily f, List<String> expected) throws IOException {
        String json = c.agent(c.node1).lbList("-o", "json").stdout();
        String frontend = IpAddress.parse(ingressIp(f)).orElseThrow().withPort(PORT) + "/TCP";
        JsonNode row = null;
        for (JsonNode r : new ObjectMapper().readTree(json)) {
            if (r.get("frontend").asText().equals(frontend)) row = r;
        }
        assertTrue(row != null, frontend + " not listed: " + json);
        List<String> listed = new ArrayList<>();
        row.get("sourceRanges").forEach(n -> listed.add(n.asText()));
        List<String> sorted = new ArrayList<>(expected);
        sorted.sort(Comparator.comparing(r -> IpAddress.parse(r.substring(0, r.indexOf('/'))).orElseThrow()));
        assertEquals(sorted, listed, "source ranges of " + frontend);
    }

    private static Map<Pod, Boolean> ordered(Pod a, boolean ra, Pod b, boolean rb, Pod d, boolean rd) {
        Map<Pod, Boolean> m = new LinkedHashMap<>();
        m.put(a, ra);
        m.put(b, rb);
        m.put(d, rd);
        return m;
    }
}
