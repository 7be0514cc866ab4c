package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.senda.e2e.NetpolExpectation.allowAll;
import static dev.senda.e2e.NetpolObjects.NS_NAME_LABEL;
import static dev.senda.e2e.NetpolObjects.egress;
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
import static dev.senda.e2e.NetpolObjects.portRange;
import static dev.senda.e2e.NetpolObjects.to;
import static dev.senda.e2e.NetpolTruth.select;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The NetworkPolicy cases of upstream's {@code test/e2e/network/netpol/network_policy.go}, named
 * verbatim, on the {@link NetpolMatrix}: one node, agent and matrix per class, each case starting
 * from no policy and default labels ({@link NetpolMatrix#reset()}). Subclasses choose the datapath.
 *
 * <p>Each case creates upstream's policy objects and states the expected table of every column
 * (TCP and UDP on 80 and 81), where upstream checks only the one column it names; the whole x/y/z
 * matrix is probed in every case (upstream now creates only the pods a case needs). Expectations
 * are written as upstream writes them: allow-all, then rows ({@code egress}), columns
 * ({@code ingress}) and cells ({@code set}) denied or re-allowed.
 *
 * <p>This class holds the harness's self-tests and a representative set (ingress and egress
 * isolation, ports and named ports, endPort ranges, ipBlock except, label changes, deletion, IPv6,
 * the agent stopped while a deny holds), which runs in both datapath modes;
 * {@link NetpolAllCasesE2e} adds the rest of upstream's list, run in per-packet mode only.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NetpolE2e {
    NetpolMatrix m;

    /** Socket LB (probers in the cgroup) or per-packet LB ({@code --socket-lb=false}). */
    abstract boolean socketLb();

    @BeforeAll
    void createMatrix() throws IOException {
        m = NetpolMatrix.create(getClass().getSimpleName(), socketLb());
    }

    @BeforeEach
    void reset() throws IOException {
        m.reset();
    }

    @AfterAll
    void closeMatrix() {
        if (m != null) m.close();
    }

    NetworkPolicy create(NetworkPolicy p) {
        return m.apply(p);
    }

    @Test
    @DisplayName("every pod reaches every pod's Service over TCP and UDP on 80 and 81 without a policy, both families")
    void everyPairConnectsWithoutPolicy() throws IOException {
        for (IpFamily f : IpFamily.values()) m.expect("no policy", f, allowAll());
    }

    @Test
    @DisplayName("the matrix sees a silent drop as exactly the blocked cells (an ip rule blackhole in x/a, no policy)")
    void matrixSeesSilentDrops() throws IOException {
        // what a policy drop looks like, made without the agent: x/a's namespace discards y's TCP to
        // port 81 on input (iproute2 only: a blackhole rule, placed before the local table's rule,
        // which moves from preference 0 to 100 meanwhile), so only column 81/TCP, rows y/* -> x/a turn blocked
        List<String[]> rules = new ArrayList<>();
        for (String from : List.of("y/a", "y/b", "y/c")) {
            rules.add(new String[]{"pref", "10", "from", m.pod(from).ip(), "ipproto", "tcp", "dport", "81", "blackhole"});
        }
        String[] ip = {"ip", "-n", m.pod("x/a").netns(), "rule"};
        try {
            Exec.check(concat(ip, "add", "pref", "100", "lookup", "local"));
            Exec.check(concat(ip, "del", "pref", "0", "lookup", "local"));
            for (String[] r : rules) Exec.check(concat(concat(ip, "add"), r));
            m.expect("y -> x/a 81/TCP dropped in x/a", allowAll()
                    .column(Proto.TCP, 81, t -> t.peers(select("y"), select("x/a"), false)));
        } finally {
            for (String[] r : rules) Exec.run(Duration.ofSeconds(10), concat(concat(ip, "del"), r));
            Exec.run(Duration.ofSeconds(10), concat(ip, "add", "pref", "0", "lookup", "local"));
            Exec.run(Duration.ofSeconds(10), concat(ip, "del", "pref", "100", "lookup", "local"));
        }
        m.expect("rules removed", allowAll());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    // ---------------------------------------------------------------- ingress

    @Test
    @DisplayName("should support a 'default-deny-ingress' policy")
    void defaultDenyIngress() throws IOException {
        defaultDenyIngress(IpFamily.IPV4);
    }

    @Test
    @DisplayName("should support a 'default-deny-ingress' policy [IPv6]")
    void defaultDenyIngressIpv6() throws IOException {
        defaultDenyIngress(IpFamily.IPV6);
    }

    void defaultDenyIngress(IpFamily family) throws IOException {
        create(policy("x", "deny-ingress", labels(), ingress()));
        m.expect("deny ingress into x", family, allowAll().all(t -> t.ingress("x", false)));
    }

    @Test
    @DisplayName("should support a 'default-deny-all' policy")
    void defaultDenyAll() throws IOException {
        create(policy("x", "deny-all", labels(), ingress(), egress()));
        m.expect("deny all in and out of x", allowAll().all(t -> t.ingress("x", false).egress("x", false)));
    }

    static NetpolExpectation onlyNamespaceYIntoXa() {
        return allowAll().all(t -> t.ingress("x/a", false).peers(select("y"), select("x/a"), true));
    }

    @Test
    @DisplayName("should enforce policy based on Ports")
    void ports() throws IOException {
        ports(IpFamily.IPV4);
    }

    void ports(IpFamily family) throws IOException {
        create(allowYOn("allow-client-a-via-ns-selector", 81));
        m.expect("only y into x/a, only on 81/TCP", family, allowAll()
                .all(t -> t.ingress("x/a", false))
                .column(Proto.TCP, 81, t -> t.peers(select("y"), select("x/a"), true)));
    }

    /** Upstream's "allowPort81Policy": x/a admits namespace y on one TCP port. */
    static NetworkPolicy allowYOn(String name, int port) {
        return policy("x", name, labels("pod", "a"),
                ingress(from(List.of(namespaces(labels(NS_NAME_LABEL, "y"))), port("TCP", port))));
    }

    @Test
    @DisplayName("should allow egress access on one named port")
    void egressNamedPort() throws IOException {
        create(policy("x", "allow-egress", labels(), egress(to(null, namedPort("TCP", "serve-80-tcp")))));
        m.expect("out of x only to serve-80-tcp", allowAll()
                .where(c -> !(c.proto() == Proto.TCP && c.port() == 80), t -> t.egress("x", false)));
    }

    @Test
    @DisplayName("should deny ingress access to updated pod")
    void denyIngressToUpdatedPod() throws IOException {
        create(policy("x", "deny-ingress-via-label-selector", labels("target", "isolated"), ingress()));
        m.expect("no pod selected", allowAll());
        m.applyPod(NetpolModel.PodId.of("x/a"), Map.of("target", "isolated"));
        m.expect("x/a labelled target=isolated: nothing into x/a", allowAll().all(t -> t.ingress("x/a", false)));
    }

    @Test
    @DisplayName("should enforce ingress and egress port ranges (endPort)")
    void endPortRanges() throws IOException {
        // ingress: y into x/a on TCP 80..81; egress: x/b out only to UDP 75..80
        create(policy("x", "allow-y-tcp-80-81", labels("pod", "a"),
                ingress(from(List.of(namespaces(labels(NS_NAME_LABEL, "y"))), portRange("TCP", 80, 81)))));
        create(policy("x", "x-b-out-udp-75-80", labels("pod", "b"), egress(to(null, portRange("UDP", 75, 80)))));
        m.expect("ranges 80-81/TCP in, 75-80/UDP out", allowAll()
                .all(t -> t.ingress("x/a", false))
                .proto(Proto.TCP, t -> t.peers(select("y"), select("x/a"), true))
                .where(c -> !(c.proto() == Proto.UDP && c.port() == 80), t -> t.egress("x/b", false)));
        // the range moves to 81..90: port 80 leaves it, 81 stays
        create(policy("x", "allow-y-tcp-80-81", labels("pod", "a"),
                ingress(from(List.of(namespaces(labels(NS_NAME_LABEL, "y"))), portRange("TCP", 81, 90)))));
        m.expect("range 81-90/TCP in", allowAll()
                .all(t -> t.ingress("x/a", false))
                .column(Proto.TCP, 81, t -> t.peers(select("y"), select("x/a"), true))
                .where(c -> !(c.proto() == Proto.UDP && c.port() == 80), t -> t.egress("x/b", false)));
    }

    // ---------------------------------------------------------------- egress

    @Test
    @DisplayName("should work with Ingress, Egress specified together")
    void ingressAndEgressTogether() throws IOException {
        create(policy("x", "allow-client-a-via-pod-selector", labels("pod", "a"),
                ingress(from(List.of(pods(labels("pod", "b"))))), egress(to(null, port("TCP", 80)))));
        m.expect("x/b into x/a; x/a out only to 80/TCP", allowAll()
                .all(t -> t.ingress("x/a", false).set("x/b", "x/a", true))
                .where(c -> !(c.proto() == Proto.TCP && c.port() == 80), t -> t.egress("x/a", false)));
    }

    @Test
    @DisplayName("should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)")
    void egressDeniedOnClientSide() throws IOException {
        create(policy("x", "allow-to-ns-y-pod-a", labels("pod", "a"), egress(to(List.of(
                podsInNamespaces(labels(NS_NAME_LABEL, "y"), labels("pod", "a")))))));
        var fromXa = from(List.of(podsInNamespaces(labels(NS_NAME_LABEL, "x"), labels("pod", "a"))));
        create(policy("y", "allow-from-xa-on-ya-match-selector", labels("pod", "a"), ingress(fromXa)));
        create(policy("y", "allow-from-xa-on-yb-match-selector", labels("pod", "b"), ingress(fromXa)));
        m.expect("x/a only to y/a; y/a and y/b only from x/a", allowAll().all(t -> t
                .egress("x/a", false).ingress("y/a", false).set("x/a", "y/a", true).ingress("y/b", false)));
    }

    @Test
    @DisplayName("should stop enforcing policies after they are deleted")
    void stopEnforcingAfterDelete() throws IOException {
        NetworkPolicy denyAll = create(policy("x", "deny-all", labels(), ingress(), egress()));
        m.expect("deny all in and out of x", allowAll().all(t -> t.ingress("x", false).egress("x", false)));
        m.delete(denyAll);
        m.expect("policy deleted", allowAll());
    }

    void egressToCidr(IpFamily family) throws IOException {
        create(policy("x", "allow-client-a-via-cidr-egress-rule", labels("pod", "a"),
                egress(to(List.of(ipBlock(host(m.pod("y/b").ip(family))))))));
        m.expect("x/a only to y/b", family, allowAll().all(t -> t.egress("x/a", false).set("x/a", "y/b", true)));
    }

    @Test
    @DisplayName("should enforce except clause while egress access to server in CIDR block")
    void egressExcept() throws IOException {
        egressExcept(IpFamily.IPV4);
    }

    @Test
    @DisplayName("should enforce except clause while egress access to server in CIDR block [IPv6]")
    void egressExceptIpv6() throws IOException {
        egressExcept(IpFamily.IPV6);
    }

    void egressExcept(IpFamily family) throws IOException {
        String xb = m.pod("x/b").ip(family);
        create(policy("x", "allow-client-a-via-cidr-egress-rule", labels("pod", "a"),
                egress(to(List.of(ipBlock(largeCidr(xb), host(xb)))))));
        m.expect("x/a anywhere but x/b", family, allowAll().all(t -> t.set("x/a", "x/b", false)));
    }

    // ---------------------------------------------------------------- the agent away

    @Test
    @DisplayName("policy keeps being enforced while the agent is stopped, and after it restarts")
    void enforcedWhileAgentStopped() throws IOException {
        create(policy("x", "deny-ingress", labels(), ingress()));
        create(policy("y", "deny-egress-pod-a", labels("pod", "a"), egress()));
        NetpolExpectation denies = allowAll().all(t -> t.ingress("x", false).egress("y/a", false));
        m.expect("deny into x, out of y/a", denies);
        assertEquals(0, m.stopAgent(), "agent exit code after SIGTERM\n" + m.agent().logTail(30));
        m.expect("agent stopped: still denied, still allowed", denies);
        m.startAgent();
        m.expect("agent restarted", denies);
        m.kube().network().v1().networkPolicies().inNamespace("x").withName("deny-ingress").delete();
        m.expect("restarted agent follows a deletion", allowAll().all(t -> t.egress("y/a", false)));
    }

    /** The address as a host prefix: /32 or /128. */
    static String host(String ip) {
        return ip + (KubeObjects.family(ip) == IpFamily.IPV4 ? "/32" : "/128");
    }

    /** Upstream's {@code makeLargeCIDRForIP}: the /4 that holds the address. */
    static String largeCidr(String ip) {
        byte[] b = IpAddress.parse(ip).orElseThrow().bytes().clone();
        b[0] &= (byte) 0xf0;
        for (int i = 1; i < b.length; i++) b[i] = 0;
        return IpAddress.of(b) + "/4";
    }
}
