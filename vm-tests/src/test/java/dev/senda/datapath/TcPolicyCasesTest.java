package dev.senda.datapath;

import dev.senda.datapath.TcPacketCasesTest.Net;
import dev.senda.maps.abi.Codecs;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.policy.PolicyConfig;
import dev.senda.maps.policy.PolicyCounters;
import dev.senda.maps.policy.PolicyEndpointKey;
import dev.senda.maps.policy.PolicyEndpointValue;
import dev.senda.maps.policy.PolicyPort;
import dev.senda.maps.policy.PolicyRuleKey;
import dev.senda.maps.policy.PolicyRuleValue;
import dev.senda.maps.policy.PolicyStatsKey;
import dev.senda.maps.policy.PolicyTables;
import dev.senda.maps.policy.PolicyVerdict;
import dev.senda.maps.policy.RuleDirection;
import dev.senda.maps.table.KernelTypedMap;
import dev.senda.net.IpFamily;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static dev.senda.datapath.PacketBuilder.ACK;
import static dev.senda.datapath.PacketBuilder.SYN;
import static dev.senda.datapath.TcPacketCasesTest.BPORT;
import static dev.senda.datapath.TcPacketCasesTest.CPORT;
import static dev.senda.datapath.TcPacketCasesTest.SERVICE_ID;
import static dev.senda.datapath.TcPacketCasesTest.VPORT;
import static dev.senda.datapath.TestDatapath.TC_ACT_OK;
import static dev.senda.datapath.TestDatapath.TC_ACT_SHOT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * NetworkPolicy on the pod hooks (bpf/lib/abi/policy.h), both families, by BPF_PROG_TEST_RUN: the
 * ingress check in {@code senda_tc_to_pod} (packets to a pod), the egress check after per-packet LB in
 * {@code senda_tc_from_pod} (packets from a pod, judged by the backend a Service was translated to),
 * replies through the policy conntrack, pods not computed yet, and the verdict counters.
 *
 * <p>Pods: the client {@link Net#client()}, the backend {@link Net#backendA()} (behind the VIP), another
 * pod {@link Net#other()}.
 */
@Tag("privileged")
class TcPolicyCasesTest {
    static final String TO_POD = "senda_tc_to_pod";
    static final String FROM_POD = "senda_tc_from_pod";
    static final int CLIENT_EP = 11;
    static final int BACKEND_EP = 12;
    static final int POLICY = 5;

    static List<Net> nets() {
        return List.of(TcPacketCasesTest.V4, TcPacketCasesTest.V6);
    }

    private TestDatapath dp;

    @BeforeAll
    static void requireRoot() throws java.io.IOException {
        TcDatapathTest.requireRoot();
    }

    @AfterEach
    void unload() {
        if (dp != null) dp.close();
    }

    private void endpoint(String address, int id, boolean isolatedIngress, boolean isolatedEgress) {
        dp.table(PolicyTables.ENDPOINTS).put(new PolicyEndpointKey(PacketBuilder.ip(address)),
                new PolicyEndpointValue(id, isolatedIngress, isolatedEgress));
    }

    private void rule(int endpointId, RuleDirection dir, String peer, PolicyPort... ports) {
        int bits = PacketBuilder.ip(peer).family() == IpFamily.IPV4 ? 32 : 128;
        dp.table(PolicyTables.RULES).put(PolicyRuleKey.of(endpointId, dir, PacketBuilder.ip(peer), bits),
                new PolicyRuleValue(List.of(ports)));
    }

    private static PolicyPort tcp(int port) {
        return new PolicyPort(6, port, port, POLICY);
    }

    private int run(String program, byte[] frame) {
        return dp.run(program, frame).retval();
    }

    private long count(int policyId, RuleDirection dir, PolicyVerdict verdict) {
        Map<PolicyStatsKey, Long> all = new PolicyCounters(dp.map(PolicyCounters.MAP_NAME)).readAll();
        return all.getOrDefault(new PolicyStatsKey(policyId, dir, verdict), 0L);
    }

    static PacketBuilder synTo(String src, String dst, int dport) {
        return PacketBuilder.tcp(src, CPORT, dst, dport).flags(SYN).seq(1_000_000);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("nets")
    void anIsolatedPodIsReachedOnlyFromAnAllowedPeerOnTheAllowedPortAndProtocol(Net n) {
        dp = TestDatapath.loadTc();
        endpoint(n.backendA(), BACKEND_EP, true, false);
        rule(BACKEND_EP, RuleDirection.INGRESS, n.client(), tcp(BPORT));
        assertEquals(TC_ACT_OK, run(TO_POD, synTo(n.client(), n.backendA(), BPORT).build()), "allowed peer and port");
        assertEquals(TC_ACT_SHOT, run(TO_POD, synTo(n.other(), n.backendA(), BPORT).build()), "another peer");
        assertEquals(TC_ACT_SHOT, run(TO_POD, synTo(n.client(), n.backendA(), BPORT + 1).build()), "another port");
        assertEquals(TC_ACT_SHOT, run(TO_POD, PacketBuilder.udp(n.client(), CPORT, n.backendA(), BPORT).payload("q").build()),
                "UDP on the TCP port");
        assertEquals(TC_ACT_SHOT, run(TO_POD, PacketBuilder.sctp(n.client(), CPORT, n.backendA(), BPORT).init(PacketBuilder.SCTP_INIT, 77, 1).build()),
                "SCTP is not TCP");
        assertEquals(TC_ACT_SHOT, run(TO_POD, PacketBuilder.icmp(n.client(), n.backendA(), echoRequest(n), 0).build()),
                "ICMP needs a rule without ports");
        assertEquals(1, count(POLICY, RuleDirection.INGRESS, PolicyVerdict.ALLOW));
        assertEquals(5, count(0, RuleDirection.INGRESS, PolicyVerdict.DENY));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("nets")
    void aRuleWithoutPortsAllowsEveryProtocolAndALongerPrefixWithoutRangesDenies(Net n) {
        dp = TestDatapath.loadTc();
        endpoint(n.backendA(), BACKEND_EP, true, false);
        int wide = n.family() == IpFamily.IPV4 ? 8 : 16;
        dp.table(PolicyTables.RULES).put(PolicyRuleKey.of(BACKEND_EP, RuleDirection.INGRESS, PacketBuilder.ip(n.client()), wide),
                new PolicyRuleValue(List.of(new PolicyPort(PolicyPort.ANY, 0, 65535, POLICY))));
        rule(BACKEND_EP, RuleDirection.INGRESS, n.other());  // an except: no ranges
        assertEquals(TC_ACT_OK, run(TO_POD, PacketBuilder.udp(n.client(), CPORT, n.backendA(), 53).payload("q").build()));
        assertEquals(TC_ACT_OK, run(TO_POD, PacketBuilder.icmp(n.client(), n.backendA(), echoRequest(n), 0).build()));
        assertEquals(TC_ACT_SHOT, run(TO_POD, synTo(n.other(), n.backendA(), BPORT).build()), "the except");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("nets")
    void egressIsJudgedByTheBackendAServiceAddressWasTranslatedTo(Net n) {
        dp = TestDatapath.loadTc();
        dp.putBackend(1, n.backendA(), BPORT, Protocol.TCP);
        dp.putService(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, 1);
        endpoint(n.client(), CLIENT_EP, false, true);
        rule(CLIENT_EP, RuleDirection.EGRESS, n.other(), tcp(BPORT));
        assertEquals(TC_ACT_SHOT, run(FROM_POD, synTo(n.client(), n.vip(), VPORT).build()),
                "the Service's backend is not an allowed peer");
        assertEquals(TC_ACT_OK, run(FROM_POD, synTo(n.client(), n.other(), BPORT).build()), "the allowed peer directly");
        rule(CLIENT_EP, RuleDirection.EGRESS, n.backendA(), tcp(BPORT));
        var r = dp.run(FROM_POD, PacketBuilder.tcp(n.client(), CPORT + 1, n.vip(), VPORT).flags(SYN).seq(7).build());
        assertEquals(TC_ACT_OK, r.retval(), "allowed: the backend pod on its port");
        assertEquals(Frames.hex(PacketBuilder.tcp(n.client(), CPORT + 1, n.backendA(), BPORT).flags(SYN).seq(7).build()),
                Frames.hex(r.dataOut()), "translated as without policy");
        assertEquals(2, count(POLICY, RuleDirection.EGRESS, PolicyVerdict.ALLOW));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("nets")
    void repliesOfAnAllowedConnectionPassWhenTheOtherDirectionIsIsolated(Net n) {
        dp = TestDatapath.loadTc();
        dp.putBackend(1, n.backendA(), BPORT, Protocol.TCP);
        dp.putService(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, 1);
        endpoint(n.client(), CLIENT_EP, true, false);   // the client takes nothing in
        endpoint(n.backendA(), BACKEND_EP, true, true); // the backend takes the client in, sends nothing out
        rule(BACKEND_EP, RuleDirection.INGRESS, n.client(), tcp(BPORT));

        byte[] reply = PacketBuilder.tcp(n.backendA(), BPORT, n.client(), CPORT).flags(SYN | ACK).seq(5).ack(1_000_001).build();
        assertEquals(TC_ACT_SHOT, run(FROM_POD, reply), "no connection yet: the backend may send nothing");
        // the client's SYN leaves its pod (translated) and reaches the backend's pod
        assertEquals(TC_ACT_OK, run(FROM_POD, synTo(n.client(), n.vip(), VPORT).build()));
        assertEquals(TC_ACT_OK, run(TO_POD, synTo(n.client(), n.backendA(), BPORT).build()));
        // the backend's reply leaves its pod (reverse-NATed to the VIP) and reaches the client's pod
        var out = dp.run(FROM_POD, reply);
        assertEquals(TC_ACT_OK, out.retval(), "the reply of an allowed connection leaves the backend");
        byte[] asVip = PacketBuilder.tcp(n.vip(), VPORT, n.client(), CPORT).flags(SYN | ACK).seq(5).ack(1_000_001).build();
        assertEquals(Frames.hex(asVip), Frames.hex(out.dataOut()));
        assertEquals(TC_ACT_OK, run(TO_POD, asVip), "and reaches the client, isolated for ingress");
        assertEquals(TC_ACT_SHOT, run(TO_POD, PacketBuilder.tcp(n.vip(), VPORT, n.client(), CPORT + 9).flags(ACK).seq(5).build()),
                "another tuple from the same address is no reply");
        assertEquals(TC_ACT_SHOT, run(TO_POD, synTo(n.backendA(), n.client(), 22).build()),
                "the backend cannot open a connection to the client");
        assertEquals(2, count(0, RuleDirection.EGRESS, PolicyVerdict.CONNTRACK) + count(0, RuleDirection.INGRESS,
                PolicyVerdict.CONNTRACK));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("nets")
    void aPodNotComputedYetIsAllowedOrDroppedAsConfiguredAndAPodReachesItselfThroughAService(Net n) {
        dp = TestDatapath.loadTc();
        assertEquals(TC_ACT_OK, run(TO_POD, synTo(n.other(), n.backendA(), BPORT).build()), "pending: allowed");
        assertEquals(1, count(0, RuleDirection.INGRESS, PolicyVerdict.PENDING));
        KernelTypedMap.over(dp.map(Codecs.POLCFG_MAP.mapName()), Codecs.POLCFG_MAP).put(0, new PolicyConfig(true));
        assertEquals(TC_ACT_SHOT, run(TO_POD, synTo(n.other(), n.backendA(), BPORT).build()), "pending, deny: dropped");
        assertEquals(TC_ACT_SHOT, run(FROM_POD, synTo(n.backendA(), n.other(), BPORT).build()));
        assertEquals(2, count(0, RuleDirection.INGRESS, PolicyVerdict.PENDING_DROP)
                + count(0, RuleDirection.EGRESS, PolicyVerdict.PENDING_DROP));

        // hairpin: the backend reaches its own Service while isolated both ways without rules
        endpoint(n.backendA(), BACKEND_EP, true, true);
        dp.putBackend(1, n.backendA(), BPORT, Protocol.TCP);
        dp.putService(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, 1);
        var out = dp.run(FROM_POD, synTo(n.backendA(), n.vip(), VPORT).build());
        assertEquals(TC_ACT_OK, out.retval(), "a pod always reaches itself");
        assertEquals(TC_ACT_OK, run(TO_POD, out.dataOut()), "and takes its own packet in");
    }

    private static int echoRequest(Net n) {
        return n.family() == IpFamily.IPV4 ? 8 : 128;
    }
}
