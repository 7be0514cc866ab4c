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
import static dev.senda.e2e.NetpolObjects.portRange;
import static dev.senda.e2e.NetpolObjects.protocolOnly;
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

    private NetworkPolicy create(NetworkPolicy p) {
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

    private void defaultDenyIngress(IpFamily family) throws IOException {
        create(policy("x", "deny-ingress", labels(), ingress()));
        m.expect("deny ingress into x", family, allowAll().all(t -> t.ingress("x", false)));
    }

    private static NetpolExpectation onlyNamespaceYIntoXa() {
        return allowAll().all(t -> t.ingress("x/a", false).peers(select("y"), select("x/a"), true));
    }

    private void ports(IpFamily family) throws IOException {
        create(allowYOn("allow-client-a-via-ns-selector", 81));
        m.expect("only y into x/a, only on 81/TCP", family, allowAll()
                .all(t -> t.ingress("x/a", false))
                .column(Proto.TCP, 81, t -> t.peers(select("y"), select("x/a"), true)));
    }

    /** Upstream's "allowPort81Policy": x/a admits namespace y on one TCP port. */
    private static NetworkPolicy allowYOn(String name, int port) {
        return policy("x", name, labels("pod", "a"),
                ingress(from(List.of(namespaces(labels(NS_NAME_LABEL, "y"))), port("TCP", port))));
    }

    // ---------------------------------------------------------------- egress

    private void egressToCidr(IpFamily family) throws IOException {
        create(policy("x", "allow-client-a-via-cidr-egress-rule", labels("pod", "a"),
                egress(to(List.of(ipBlock(host(m.pod("y/b").ip(family))))))));
        m.expect("x/a only to y/b", family, allowAll().all(t -> t.egress("x/a", false).set("x/a", "y/b", true)));
    }

    private void egressExcept(IpFamily family) throws IOException {
        String xb = m.pod("x/b").ip(family);
        create(policy("x", "allow-client-a-via-cidr-egress-rule", labels("pod", "a"),
                egress(to(List.of(ipBlock(largeCidr(xb), host(xb)))))));
        m.expect("x/a anywhere but x/b", family, allowAll().all(t -> t.set("x/a", "x/b", false)));
    }

    // ---------------------------------------------------------------- the agent away

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
