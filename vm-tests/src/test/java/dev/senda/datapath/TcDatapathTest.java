package dev.senda.datapath;

import static dev.senda.datapath.PacketBuilder.ACK;
import static dev.senda.datapath.PacketBuilder.FIN;
import static dev.senda.datapath.PacketBuilder.HOST_MAC;
import static dev.senda.datapath.PacketBuilder.POD_MAC;
import static dev.senda.datapath.PacketBuilder.PSH;
import static dev.senda.datapath.PacketBuilder.RST;
import static dev.senda.datapath.PacketBuilder.SYN;
import static dev.senda.datapath.TestDatapath.TC_ACT_OK;
import static dev.senda.datapath.TestDatapath.TC_ACT_REDIRECT;
import static dev.senda.datapath.TestDatapath.TC_ACT_SHOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.features.Capabilities;
import dev.senda.maps.lb.CtDirection;
import dev.senda.maps.lb.CtKey;
import dev.senda.maps.lb.CtValue;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.libbpf.TestRunResult;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The per-packet datapath ({@code senda_tc_from_pod}) run in the kernel with
 * {@code BPF_PROG_TEST_RUN} on hand-built frames: every expected frame is built independently
 * with full checksums and compared byte for byte with what the program produced.
 */
@Tag("privileged")
class TcDatapathTest {
    static final String CLIENT = "10.244.1.2";
    static final int CPORT = 40000;
    static final String VIP = "10.96.0.10";
    static final int VPORT = 80;
    static final String EMPTY_VIP = "10.96.0.11";
    static final String BACKEND_A = "10.244.2.3";
    static final String BACKEND_B = "10.244.2.4";
    static final String BACKEND_C = "10.244.2.5";
    static final int BPORT = 8080;
    static final int SERVICE_ID = 7;

    /** MSS 1460, SACK permitted, timestamps, NOP, window scale 7: what Linux puts in a SYN. */
    static final byte[] SYN_OPTIONS = {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 0, 1, (byte) 0xe2, 0x40, 0, 0, 0, 0,
            1, 3, 3, 7};

    /** IPv4 router alert option (RFC 2113), 4 bytes: makes the IPv4 header 24 bytes long. */
    static final byte[] ROUTER_ALERT = {(byte) 0x94, 4, 0, 0};

    private TestDatapath dp;

    @BeforeAll
    static void requireRoot() {
        // Privileged tests must fail, not skip, when they cannot run.
        Capabilities.ofThisProcess().requireForDatapath("the tc datapath tests (they load BPF programs)");
    }

    @BeforeEach
    void load() {
        dp = TestDatapath.loadTc();
    }

    @AfterEach
    void unload() {
        if (dp != null) dp.close();
    }

    private void serviceWithBackendA(Protocol proto) {
        dp.putBackend(1, BACKEND_A, BPORT, proto);
        dp.putService(VIP, VPORT, proto, SERVICE_ID, 1);
    }

    private static PacketBuilder syn(int sport) {
        return PacketBuilder.tcp(CLIENT, sport, VIP, VPORT).flags(SYN).seq(1_000_000).tcpOptions(SYN_OPTIONS);
    }

    private TestRunResult runExpecting(int verdict, byte[] in, byte[] expected) {
        TestRunResult r = dp.run(in);
        assertEquals(verdict, r.retval(), "tc verdict");
        assertFrame(expected, r.dataOut());
        return r;
    }

    private static void assertFrame(byte[] expected, byte[] actual) {
        assertEquals(Frames.hex(expected), Frames.hex(actual), "frame bytes");
        assertTrue(Arrays.equals(expected, actual));
    }

    // ---- forward path: DNAT ----

    @Test
    void tcpSynToServiceIsDnatedToTheBackendWithCorrectChecksums() {
        serviceWithBackendA(Protocol.TCP);
        PacketBuilder p = syn(CPORT);
        byte[] in = p.build();
        byte[] expected = p.dst(BACKEND_A, BPORT).build();

        TestRunResult r = runExpecting(TC_ACT_OK, in, expected);
        Frames.assertChecksumsValid(r.dataOut());
        assertEquals(CLIENT + ":" + CPORT, Frames.source(r.dataOut()), "source preserved (no SNAT)");

        assertCt(new CtValue(PacketBuilder.ipv4(BACKEND_A), PacketBuilder.ipv4(CLIENT), BPORT, CPORT, SERVICE_ID, 0, 0,
                        1), dp.ct(CLIENT, CPORT, VIP, VPORT, Protocol.TCP, CtDirection.FORWARD), "forward CT entry");
        assertCt(new CtValue(PacketBuilder.ipv4(VIP), PacketBuilder.ipv4(CLIENT), VPORT, CPORT, SERVICE_ID, 0, 0, 1),
                dp.ct(BACKEND_A, BPORT, CLIENT, CPORT, Protocol.TCP, CtDirection.REPLY), "reply CT entry");
        assertEquals(2, dp.conntrackSize());
    }

    @Test
    void tcpDataSegmentWithOddPayloadIsDnated() {
        serviceWithBackendA(Protocol.TCP);
        runExpecting(TC_ACT_OK, syn(CPORT).build(), syn(CPORT).dst(BACKEND_A, BPORT).build());

        PacketBuilder data = PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(PSH | ACK).seq(1_000_001).ack(77)
                .payload("GET / HTTP/1.1\r\nHost: x\r\n\r\n!");
        runExpecting(TC_ACT_OK, data.build(), data.dst(BACKEND_A, BPORT).build());
    }

    @Test
    void packetWithIpOptionsIsDnatedAndKeepsItsOptions() {
        serviceWithBackendA(Protocol.TCP);
        PacketBuilder p = syn(CPORT).ipOptions(ROUTER_ALERT);
        byte[] in = p.build();
        TestRunResult r = runExpecting(TC_ACT_OK, in, p.dst(BACKEND_A, BPORT).build());
        assertEquals(24, Frames.ipHeaderLength(r.dataOut()));
        Frames.assertChecksumsValid(r.dataOut());
    }

    // ---- reply path: reverse NAT ----

    @Test
    void replyFromTheBackendGetsTheVipBackAsSource() {
        serviceWithBackendA(Protocol.TCP);
        dp.run(syn(CPORT).build());

        PacketBuilder synAck = PacketBuilder.tcp(BACKEND_A, BPORT, CLIENT, CPORT).macs(HOST_MAC, POD_MAC)
                .flags(SYN | ACK).seq(555).ack(1_000_001).tcpOptions(SYN_OPTIONS);
        byte[] in = synAck.build();
        TestRunResult r = runExpecting(TC_ACT_OK, in, synAck.src(VIP, VPORT).build());
        Frames.assertChecksumsValid(r.dataOut());
    }

    @Test
    void replyWithoutConntrackEntryIsLeftAlone() {
        serviceWithBackendA(Protocol.TCP);
        byte[] in = PacketBuilder.tcp(BACKEND_A, BPORT, CLIENT, CPORT).flags(SYN | ACK).seq(1).ack(2).build();
        runExpecting(TC_ACT_OK, in, in);
    }

    // ---- UDP ----

    @Test
    void udpIsDnatedAndTheReplyIsReverseNated() {
        serviceWithBackendA(Protocol.UDP);
        PacketBuilder query = PacketBuilder.udp(CLIENT, 53000, VIP, VPORT).payload("odd-length query");
        byte[] in = query.build();
        TestRunResult r = runExpecting(TC_ACT_OK, in, query.dst(BACKEND_A, BPORT).build());
        Frames.assertChecksumsValid(r.dataOut());

        PacketBuilder answer = PacketBuilder.udp(BACKEND_A, BPORT, CLIENT, 53000).payload("answer!");
        byte[] reply = answer.build();
        r = runExpecting(TC_ACT_OK, reply, answer.src(VIP, VPORT).build());
        Frames.assertChecksumsValid(r.dataOut());
    }

    @Test
    void udpWithoutChecksumKeepsChecksumZeroBothWays() {
        serviceWithBackendA(Protocol.UDP);
        PacketBuilder query = PacketBuilder.udp(CLIENT, 53001, VIP, VPORT).noUdpChecksum().payload("q");
        TestRunResult r = runExpecting(TC_ACT_OK, query.build(), query.dst(BACKEND_A, BPORT).build());
        assertEquals(0, Frames.u16(r.dataOut(), Frames.l4Offset(r.dataOut()) + 6), "UDP checksum stays 0");

        PacketBuilder answer = PacketBuilder.udp(BACKEND_A, BPORT, CLIENT, 53001).noUdpChecksum().payload("a");
        runExpecting(TC_ACT_OK, answer.build(), answer.src(VIP, VPORT).build());
    }

    @Test
    void tcpServiceDoesNotCaptureUdpToTheSamePort() {
        serviceWithBackendA(Protocol.TCP);
        byte[] in = PacketBuilder.udp(CLIENT, 53002, VIP, VPORT).payload("x").build();
        runExpecting(TC_ACT_OK, in, in);
    }

    // ---- no backends: refuse at once ----

    @Test
    void tcpSynToServiceWithoutBackendsIsAnsweredWithRstAck() {
        dp.putService(EMPTY_VIP, VPORT, Protocol.TCP, 9);
        byte[] in = PacketBuilder.tcp(CLIENT, CPORT, EMPTY_VIP, VPORT).flags(SYN).seq(0xfffffffeL)
                .tcpOptions(SYN_OPTIONS).build();
        // <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK> from the VIP, back to the client's MAC; the
        // acknowledgement number wraps around 2^32.
        byte[] expected = PacketBuilder.tcp(EMPTY_VIP, VPORT, CLIENT, CPORT).macs(HOST_MAC, POD_MAC)
                .flags(RST | ACK).seq(0).ack(0xffffffffL).window(0).ipId(0).ttl(64).build();
        TestRunResult r = runExpecting(TC_ACT_REDIRECT, in, expected);
        Frames.assertChecksumsValid(r.dataOut());
        assertEquals(0, dp.conntrackSize(), "a refusal creates no conntrack state");
    }

    @Test
    void tcpSegmentWithAckToServiceWithoutBackendsGetsRstWithItsAckAsSequence() {
        dp.putService(EMPTY_VIP, VPORT, Protocol.TCP, 9);
        byte[] in = PacketBuilder.tcp(CLIENT, CPORT, EMPTY_VIP, VPORT).flags(PSH | ACK).seq(5000).ack(9000)
                .payload("hello").build();
        // <SEQ=SEG.ACK><CTL=RST>
        byte[] expected = PacketBuilder.tcp(EMPTY_VIP, VPORT, CLIENT, CPORT).macs(HOST_MAC, POD_MAC)
                .flags(RST).seq(9000).ack(0).window(0).ipId(0).build();
        runExpecting(TC_ACT_REDIRECT, in, expected);
    }

    @Test
    void finWithPayloadWithoutBackendsIsAcknowledgedInTheRst() {
        dp.putService(EMPTY_VIP, VPORT, Protocol.TCP, 9);
        // SEG.LEN = 3 bytes of data + 1 for FIN
        byte[] in = PacketBuilder.tcp(CLIENT, CPORT, EMPTY_VIP, VPORT).flags(FIN).seq(100).payload("abc")
                .ipOptions(ROUTER_ALERT).build();
        byte[] expected = PacketBuilder.tcp(EMPTY_VIP, VPORT, CLIENT, CPORT).macs(HOST_MAC, POD_MAC)
                .flags(RST | ACK).seq(0).ack(104).window(0).ipId(0).build();
        runExpecting(TC_ACT_REDIRECT, in, expected);
    }

    @Test
    void rstToServiceWithoutBackendsIsDroppedNotAnswered() {
        dp.putService(EMPTY_VIP, VPORT, Protocol.TCP, 9);
        byte[] in = PacketBuilder.tcp(CLIENT, CPORT, EMPTY_VIP, VPORT).flags(RST).seq(1).build();
        assertEquals(TC_ACT_SHOT, dp.run(in).retval());
    }

    @Test
    void udpToServiceWithoutBackendsIsAnsweredWithPortUnreachable() {
        dp.putService(EMPTY_VIP, VPORT, Protocol.UDP, 9);
        byte[] in = PacketBuilder.udp(CLIENT, 53000, EMPTY_VIP, VPORT).payload("a long enough query").build();
        // ICMP quotes the original IPv4 header and the first 8 bytes after it (the UDP header).
        byte[] quote = Arrays.copyOfRange(in, PacketBuilder.ETH_HLEN, PacketBuilder.ETH_HLEN + 28);
        byte[] expected = PacketBuilder.icmp(EMPTY_VIP, CLIENT, 3, 3).macs(HOST_MAC, POD_MAC).tos(0xc0).ipId(0)
                .dontFragment(false).payload(quote).build();
        TestRunResult r = runExpecting(TC_ACT_REDIRECT, in, expected);
        Frames.assertChecksumsValid(r.dataOut());
    }

    // ---- not ours: untouched ----

    @Test
    void packetsThatAreNotForAServicePassUntouched() {
        serviceWithBackendA(Protocol.TCP);
        byte[][] frames = {
                // straight to a pod address
                PacketBuilder.tcp(CLIENT, CPORT, BACKEND_A, BPORT).flags(SYN).seq(1).build(),
                // the VIP, but another port
                PacketBuilder.tcp(CLIENT, CPORT, VIP, 81).flags(SYN).seq(1).build(),
                // UDP to an address that is no Service
                PacketBuilder.udp(CLIENT, 5353, "224.0.0.251", 5353).payload("mdns").build(),
                // ICMP echo to the VIP
                PacketBuilder.icmp(CLIENT, VIP, 8, 0).payload("ping").build(),
                // a fragment of a datagram to the VIP: fragments are never translated
                PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(ACK).dontFragment(false).fragment(true, 0).build(),
                // ARP and IPv6 frames
                arpRequest(),
                ipv6Frame(),
                // too short to hold a TCP header
                Arrays.copyOf(PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(SYN).build(), 14 + 20 + 10),
        };
        for (byte[] in : frames) {
            runExpecting(TC_ACT_OK, in, in);
        }
        assertEquals(0, dp.conntrackSize());
    }

    // ---- conntrack ----

    @Test
    void establishedFlowKeepsItsBackendWhenTheServiceSlotsChange() {
        serviceWithBackendA(Protocol.TCP);
        runExpecting(TC_ACT_OK, syn(CPORT).build(), syn(CPORT).dst(BACKEND_A, BPORT).build());

        // The Service now has only backend B.
        dp.putBackend(2, BACKEND_B, BPORT, Protocol.TCP);
        dp.putService(VIP, VPORT, Protocol.TCP, SERVICE_ID, 2);

        PacketBuilder ack = PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(ACK).seq(1_000_001).ack(556);
        runExpecting(TC_ACT_OK, ack.build(), ack.dst(BACKEND_A, BPORT).build());
        // a retransmitted SYN of that connection also stays on A
        runExpecting(TC_ACT_OK, syn(CPORT).build(), syn(CPORT).dst(BACKEND_A, BPORT).build());
        // the reply of the established flow is still reverse-NATed
        PacketBuilder reply = PacketBuilder.tcp(BACKEND_A, BPORT, CLIENT, CPORT).flags(ACK).seq(556).ack(1_000_001);
        runExpecting(TC_ACT_OK, reply.build(), reply.src(VIP, VPORT).build());
        // a new connection goes to B
        runExpecting(TC_ACT_OK, syn(CPORT + 1).build(), syn(CPORT + 1).dst(BACKEND_B, BPORT).build());
    }

    @Test
    void establishedFlowKeepsItsBackendWhenTheServiceLosesAllBackends() {
        serviceWithBackendA(Protocol.TCP);
        dp.run(syn(CPORT).build());
        dp.putService(VIP, VPORT, Protocol.TCP, SERVICE_ID);

        PacketBuilder ack = PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(ACK).seq(1_000_001).ack(556);
        runExpecting(TC_ACT_OK, ack.build(), ack.dst(BACKEND_A, BPORT).build());
        assertEquals(TC_ACT_REDIRECT, dp.run(syn(CPORT + 1).build()).retval(), "new connections are refused");
    }

    @Test
    void synOnALongIdleTupleIsBalancedAfreshButOtherSegmentsKeepTheOldBackend() {
        dp.putBackend(2, BACKEND_B, BPORT, Protocol.TCP);
        dp.putService(VIP, VPORT, Protocol.TCP, SERVICE_ID, 2);
        // A forward entry to A last used 100 "seconds" (2^30 ns units, the datapath's clock:
        // CLOCK_MONOTONIC, as System.nanoTime) ago; unsigned arithmetic, like the C code.
        long now = (System.nanoTime() >>> 30) & 0xffff_ffffL;
        long longAgo = (now - 100) & 0xffff_ffffL;
        CtValue stale = new CtValue(PacketBuilder.ipv4(BACKEND_A), PacketBuilder.ipv4(CLIENT), BPORT, CPORT,
                SERVICE_ID, 0, longAgo, 1);
        dp.putCt(CLIENT, CPORT, VIP, VPORT, Protocol.TCP, CtDirection.FORWARD, stale);
        dp.putCt(CLIENT, CPORT + 1, VIP, VPORT, Protocol.TCP, CtDirection.FORWARD,
                new CtValue(PacketBuilder.ipv4(BACKEND_A), PacketBuilder.ipv4(CLIENT), BPORT, CPORT + 1,
                        SERVICE_ID, 0, longAgo, 1));

        // a new connection reusing the port: fresh choice (B), and the entry is replaced
        runExpecting(TC_ACT_OK, syn(CPORT).build(), syn(CPORT).dst(BACKEND_B, BPORT).build());
        assertEquals(PacketBuilder.ipv4(BACKEND_B),
                dp.ct(CLIENT, CPORT, VIP, VPORT, Protocol.TCP, CtDirection.FORWARD).natAddr());
        // a segment of an idle but established connection: keeps A
        PacketBuilder ack = PacketBuilder.tcp(CLIENT, CPORT + 1, VIP, VPORT).flags(ACK).seq(9).ack(9);
        runExpecting(TC_ACT_OK, ack.build(), ack.dst(BACKEND_A, BPORT).build());
    }

    @Test
    void evictedReplyEntryIsRecreatedByTheNextForwardPacket() {
        serviceWithBackendA(Protocol.TCP);
        dp.run(syn(CPORT).build());
        CtKey replyKey = new CtKey(PacketBuilder.ipv4(BACKEND_A), PacketBuilder.ipv4(CLIENT),
                BPORT, CPORT, Protocol.TCP, CtDirection.REPLY);
        assertNotNull(dp.conntrack.entries().get(replyKey));
        dp.conntrack.delete(replyKey);

        dp.run(PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(ACK).seq(1_000_001).ack(556).build());
        assertNotNull(dp.ct(BACKEND_A, BPORT, CLIENT, CPORT, Protocol.TCP, CtDirection.REPLY));
    }

    @Test
    void newFlowsSpreadOverAllBackends() {
        dp.putBackend(1, BACKEND_A, BPORT, Protocol.TCP);
        dp.putBackend(2, BACKEND_B, BPORT, Protocol.TCP);
        dp.putBackend(3, BACKEND_C, BPORT, Protocol.TCP);
        dp.putService(VIP, VPORT, Protocol.TCP, SERVICE_ID, 1, 2, 3);
        Set<String> seen = new HashSet<>();
        // P(some backend never chosen in 300 uniform picks) = 3 * (2/3)^300, about 1e-52
        for (int i = 0; i < 300; i++) {
            TestRunResult r = dp.run(syn(20000 + i).build());
            assertEquals(TC_ACT_OK, r.retval());
            Frames.assertChecksumsValid(r.dataOut());
            seen.add(Frames.destination(r.dataOut()));
        }
        assertEquals(Set.of(BACKEND_A + ":" + BPORT, BACKEND_B + ":" + BPORT, BACKEND_C + ":" + BPORT), seen);
    }

    // ---- backend removed: UDP and new TCP connections move, established TCP stays ----

    /**
     * B (id 2) joins the Service (if it had not yet), then A (id 1) leaves it the way the
     * reconciler writes that: slots, header count, the slot beyond the count, then the
     * backend entry.
     */
    private void removeBackendAAfterBJoined(Protocol proto) {
        dp.putService(VIP, VPORT, proto, SERVICE_ID, 1, 2);
        dp.putService(VIP, VPORT, proto, SERVICE_ID, 2);
        dp.deleteServiceSlot(VIP, VPORT, proto, 2);
        dp.deleteBackend(1);
    }

    /** Backends A (id 1) and B (id 2); the Service has A only. */
    private void backendsAAndBServiceWithA(Protocol proto) {
        dp.putBackend(1, BACKEND_A, BPORT, proto);
        dp.putBackend(2, BACKEND_B, BPORT, proto);
        dp.putService(VIP, VPORT, proto, SERVICE_ID, 1);
    }

    @Test
    void udpFlowWithAFixedSourcePortMovesOffARemovedBackend() {
        backendsAAndBServiceWithA(Protocol.UDP);
        PacketBuilder q1 = PacketBuilder.udp(CLIENT, 8125, VIP, VPORT).payload("gauge:1|g");
        runExpecting(TC_ACT_OK, q1.build(), q1.dst(BACKEND_A, BPORT).build());
        PacketBuilder a1 = PacketBuilder.udp(BACKEND_A, BPORT, CLIENT, 8125).payload("ok");
        runExpecting(TC_ACT_OK, a1.build(), a1.src(VIP, VPORT).build());

        // B joins: the flow stays on A while A is a backend
        dp.putService(VIP, VPORT, Protocol.UDP, SERVICE_ID, 1, 2);
        PacketBuilder q2 = PacketBuilder.udp(CLIENT, 8125, VIP, VPORT).payload("gauge:2|g");
        runExpecting(TC_ACT_OK, q2.build(), q2.dst(BACKEND_A, BPORT).build());

        removeBackendAAfterBJoined(Protocol.UDP);

        // the next datagram of the same tuple is balanced afresh: B is the only backend
        PacketBuilder q3 = PacketBuilder.udp(CLIENT, 8125, VIP, VPORT).payload("gauge:3|g");
        TestRunResult r = runExpecting(TC_ACT_OK, q3.build(), q3.dst(BACKEND_B, BPORT).build());
        Frames.assertChecksumsValid(r.dataOut());
        assertCt(new CtValue(PacketBuilder.ipv4(BACKEND_B), PacketBuilder.ipv4(CLIENT), BPORT, 8125, SERVICE_ID, 0, 0,
                2), dp.ct(CLIENT, 8125, VIP, VPORT, Protocol.UDP, CtDirection.FORWARD), "forward entry replaced");
        assertCt(new CtValue(PacketBuilder.ipv4(VIP), PacketBuilder.ipv4(CLIENT), VPORT, 8125, SERVICE_ID, 0, 0, 2),
                dp.ct(BACKEND_B, BPORT, CLIENT, 8125, Protocol.UDP, CtDirection.REPLY), "reply entry of B");
        // A's reply entry is gone: what later comes from A's address is no longer dressed as the VIP
        assertNull(dp.ct(BACKEND_A, BPORT, CLIENT, 8125, Protocol.UDP, CtDirection.REPLY), "reply entry of A");
        assertEquals(2, dp.conntrackSize());

        // B's answer is reverse-NATed; A's late answer passes untouched
        PacketBuilder a3 = PacketBuilder.udp(BACKEND_B, BPORT, CLIENT, 8125).payload("ok!");
        r = runExpecting(TC_ACT_OK, a3.build(), a3.src(VIP, VPORT).build());
        Frames.assertChecksumsValid(r.dataOut());
        byte[] late = PacketBuilder.udp(BACKEND_A, BPORT, CLIENT, 8125).payload("late").build();
        runExpecting(TC_ACT_OK, late, late);

        // and the flow now sticks to B
        PacketBuilder q4 = PacketBuilder.udp(CLIENT, 8125, VIP, VPORT).payload("gauge:4|g");
        runExpecting(TC_ACT_OK, q4.build(), q4.dst(BACKEND_B, BPORT).build());
    }

    @Test
    void udpFlowMovesWhenItsBackendIdNowNamesAnotherAddress() {
        dp.putBackend(1, BACKEND_A, BPORT, Protocol.UDP);
        dp.putService(VIP, VPORT, Protocol.UDP, SERVICE_ID, 1);
        PacketBuilder q1 = PacketBuilder.udp(CLIENT, 5300, VIP, VPORT).payload("q1");
        runExpecting(TC_ACT_OK, q1.build(), q1.dst(BACKEND_A, BPORT).build());

        // A removed, its id freed and reused for C (the Service's only backend now)
        dp.putService(VIP, VPORT, Protocol.UDP, SERVICE_ID);
        dp.deleteServiceSlot(VIP, VPORT, Protocol.UDP, 1);
        dp.deleteBackend(1);
        dp.putBackend(1, BACKEND_C, BPORT, Protocol.UDP);
        dp.putService(VIP, VPORT, Protocol.UDP, SERVICE_ID, 1);

        PacketBuilder q2 = PacketBuilder.udp(CLIENT, 5300, VIP, VPORT).payload("q2");
        runExpecting(TC_ACT_OK, q2.build(), q2.dst(BACKEND_C, BPORT).build());
        PacketBuilder a2 = PacketBuilder.udp(BACKEND_C, BPORT, CLIENT, 5300).payload("a2");
        runExpecting(TC_ACT_OK, a2.build(), a2.src(VIP, VPORT).build());
    }

    @Test
    void udpFlowWhoseBackendWasRemovedIsRefusedWhenNoBackendIsLeft() {
        dp.putBackend(1, BACKEND_A, BPORT, Protocol.UDP);
        dp.putService(VIP, VPORT, Protocol.UDP, SERVICE_ID, 1);
        PacketBuilder q1 = PacketBuilder.udp(CLIENT, 5301, VIP, VPORT).payload("q1");
        runExpecting(TC_ACT_OK, q1.build(), q1.dst(BACKEND_A, BPORT).build());

        dp.putService(VIP, VPORT, Protocol.UDP, SERVICE_ID);
        dp.deleteServiceSlot(VIP, VPORT, Protocol.UDP, 1);
        dp.deleteBackend(1);

        byte[] in = PacketBuilder.udp(CLIENT, 5301, VIP, VPORT).payload("q2").build();
        assertEquals(TC_ACT_REDIRECT, dp.run(in).retval(), "ICMP port unreachable, as for a new flow");
        assertEquals(0, dp.conntrackSize(), "both entries of the old flow are gone");
    }

    @Test
    void establishedTcpConnectionKeepsItsRemovedBackend() {
        backendsAAndBServiceWithA(Protocol.TCP);
        runExpecting(TC_ACT_OK, syn(CPORT).build(), syn(CPORT).dst(BACKEND_A, BPORT).build());
        removeBackendAAfterBJoined(Protocol.TCP);

        PacketBuilder ack = PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(ACK).seq(1_000_001).ack(556);
        TestRunResult r = runExpecting(TC_ACT_OK, ack.build(), ack.dst(BACKEND_A, BPORT).build());
        Frames.assertChecksumsValid(r.dataOut());
        PacketBuilder data = PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(PSH | ACK).seq(1_000_001).ack(556)
                .payload("still talking");
        runExpecting(TC_ACT_OK, data.build(), data.dst(BACKEND_A, BPORT).build());
        PacketBuilder reply = PacketBuilder.tcp(BACKEND_A, BPORT, CLIENT, CPORT).flags(ACK).seq(556).ack(1_000_014);
        runExpecting(TC_ACT_OK, reply.build(), reply.src(VIP, VPORT).build());
        assertEquals(1, dp.ct(CLIENT, CPORT, VIP, VPORT, Protocol.TCP, CtDirection.FORWARD).backendId());
    }

    @Test
    void tcpSynOnATupleWhoseBackendWasRemovedGoesToARemainingBackend() {
        backendsAAndBServiceWithA(Protocol.TCP);
        runExpecting(TC_ACT_OK, syn(CPORT).build(), syn(CPORT).dst(BACKEND_A, BPORT).build());
        removeBackendAAfterBJoined(Protocol.TCP);

        // the same tuple opens a connection again (port reused at once, or SYN retransmitted)
        TestRunResult r = runExpecting(TC_ACT_OK, syn(CPORT).build(), syn(CPORT).dst(BACKEND_B, BPORT).build());
        Frames.assertChecksumsValid(r.dataOut());
        assertCt(new CtValue(PacketBuilder.ipv4(BACKEND_B), PacketBuilder.ipv4(CLIENT), BPORT, CPORT, SERVICE_ID, 0, 0,
                2), dp.ct(CLIENT, CPORT, VIP, VPORT, Protocol.TCP, CtDirection.FORWARD), "forward entry replaced");
        assertNull(dp.ct(BACKEND_A, BPORT, CLIENT, CPORT, Protocol.TCP, CtDirection.REPLY), "reply entry of A");

        PacketBuilder synAck = PacketBuilder.tcp(BACKEND_B, BPORT, CLIENT, CPORT).macs(HOST_MAC, POD_MAC)
                .flags(SYN | ACK).seq(777).ack(1_000_001).tcpOptions(SYN_OPTIONS);
        r = runExpecting(TC_ACT_OK, synAck.build(), synAck.src(VIP, VPORT).build());
        Frames.assertChecksumsValid(r.dataOut());
        PacketBuilder ack = PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(ACK).seq(1_000_001).ack(778);
        runExpecting(TC_ACT_OK, ack.build(), ack.dst(BACKEND_B, BPORT).build());
    }

    @Test
    void reselectionLeavesAReplyEntryThatAnotherFlowTookOver() {
        // Two Services share backend A; the client uses the same source port for both, so
        // their reply entries have one key, and the newer flow (to VIP2) owns it.
        String vip2 = "10.96.0.12";
        backendsAAndBServiceWithA(Protocol.UDP);
        dp.putService(vip2, VPORT, Protocol.UDP, SERVICE_ID + 1, 1);
        PacketBuilder q1 = PacketBuilder.udp(CLIENT, 5302, VIP, VPORT).payload("q1");
        runExpecting(TC_ACT_OK, q1.build(), q1.dst(BACKEND_A, BPORT).build());
        PacketBuilder q2 = PacketBuilder.udp(CLIENT, 5302, vip2, VPORT).payload("q2");
        runExpecting(TC_ACT_OK, q2.build(), q2.dst(BACKEND_A, BPORT).build());

        // backend 1's entry now names another port of A: the VIP flow moves to B
        dp.putService(VIP, VPORT, Protocol.UDP, SERVICE_ID, 2);
        dp.putBackend(1, BACKEND_A, BPORT + 1, Protocol.UDP);
        PacketBuilder q3 = PacketBuilder.udp(CLIENT, 5302, VIP, VPORT).payload("q3");
        runExpecting(TC_ACT_OK, q3.build(), q3.dst(BACKEND_B, BPORT).build());

        CtValue kept = dp.ct(BACKEND_A, BPORT, CLIENT, 5302, Protocol.UDP, CtDirection.REPLY);
        assertNotNull(kept, "the VIP2 flow's reply entry stays");
        assertEquals(PacketBuilder.ipv4(vip2), kept.natAddr());
    }

    // ---- hairpin ----

    @Test
    void podReachingItselfThroughItsServiceIsHairpinnedWithTheVipAsSource() {
        dp.putBackend(1, CLIENT, BPORT, Protocol.TCP);
        dp.putService(VIP, VPORT, Protocol.TCP, SERVICE_ID, 1);

        PacketBuilder s = syn(CPORT);
        byte[] in = s.build();
        // the pod would drop a packet from its own address: the source becomes the VIP
        TestRunResult r = runExpecting(TC_ACT_OK, in, s.src(VIP, CPORT).dst(CLIENT, BPORT).build());
        Frames.assertChecksumsValid(r.dataOut());
        CtValue fwd = dp.ct(CLIENT, CPORT, VIP, VPORT, Protocol.TCP, CtDirection.FORWARD);
        assertEquals(CtValue.FLAG_HAIRPIN, fwd.flags());
        assertNull(dp.ct(CLIENT, BPORT, CLIENT, CPORT, Protocol.TCP, CtDirection.REPLY));

        // the pod answers the VIP; the reply goes back to itself, from VIP:port
        PacketBuilder synAck = PacketBuilder.tcp(CLIENT, BPORT, VIP, CPORT).flags(SYN | ACK).seq(7).ack(1_000_001);
        r = runExpecting(TC_ACT_OK, synAck.build(), synAck.src(VIP, VPORT).dst(CLIENT, CPORT).build());
        Frames.assertChecksumsValid(r.dataOut());

        // later segments of the client side use the conntrack entry and are hairpinned too
        PacketBuilder ack = PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(ACK).seq(1_000_001).ack(8);
        runExpecting(TC_ACT_OK, ack.build(), ack.src(VIP, CPORT).dst(CLIENT, BPORT).build());
    }

    @Test
    void hairpinWorksForUdpToo() {
        dp.putBackend(1, CLIENT, BPORT, Protocol.UDP);
        dp.putService(VIP, VPORT, Protocol.UDP, SERVICE_ID, 1);
        PacketBuilder q = PacketBuilder.udp(CLIENT, 53000, VIP, VPORT).payload("q?");
        runExpecting(TC_ACT_OK, q.build(), q.src(VIP, 53000).dst(CLIENT, BPORT).build());
        PacketBuilder a = PacketBuilder.udp(CLIENT, BPORT, VIP, 53000).payload("a!");
        runExpecting(TC_ACT_OK, a.build(), a.src(VIP, VPORT).dst(CLIENT, 53000).build());
    }

    // ---- helpers ----

    /**
     * Asserts a conntrack entry equal to {@code expected} except for {@code lastSeen}, which must
     * be "now" on the datapath's clock (CLOCK_MONOTONIC >> 30, what System.nanoTime reads).
     */
    private static void assertCt(CtValue expected, CtValue actual, String what) {
        long now = System.nanoTime() >>> 30;
        assertNotNull(actual, what);
        assertEquals(expected, new CtValue(actual.natAddr(), actual.origAddr(), actual.natPort(), actual.origPort(),
                actual.serviceId(), actual.flags(), 0, actual.backendId()), what);
        assertTrue(actual.lastSeen() <= now && actual.lastSeen() >= now - 2,
                what + ": lastSeen " + actual.lastSeen() + " vs now " + now);
    }

    private static byte[] arpRequest() {
        byte[] f = new byte[42];
        System.arraycopy(new byte[]{-1, -1, -1, -1, -1, -1}, 0, f, 0, 6);
        System.arraycopy(POD_MAC, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x06;
        byte[] arp = {0, 1, 8, 0, 6, 4, 0, 1};
        System.arraycopy(arp, 0, f, 14, arp.length);
        return f;
    }

    private static byte[] ipv6Frame() {
        byte[] f = new byte[14 + 40 + 8];
        System.arraycopy(HOST_MAC, 0, f, 0, 6);
        System.arraycopy(POD_MAC, 0, f, 6, 6);
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xdd;
        f[14] = 0x60;
        f[19] = 8;      // payload length
        f[20] = 17;     // next header UDP
        f[21] = 64;
        return f;
    }
}
