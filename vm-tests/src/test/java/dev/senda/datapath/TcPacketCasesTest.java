package dev.senda.datapath;

import dev.senda.maps.lb.Protocol;
import dev.senda.maps.libbpf.TestRunResult;
import dev.senda.net.IpFamily;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.senda.datapath.PacketBuilder.ACK;
import static dev.senda.datapath.PacketBuilder.HOST_MAC;
import static dev.senda.datapath.PacketBuilder.POD_MAC;
import static dev.senda.datapath.PacketBuilder.RST;
import static dev.senda.datapath.PacketBuilder.SCTP_INIT;
import static dev.senda.datapath.PacketBuilder.SCTP_INIT_ACK;
import static dev.senda.datapath.PacketBuilder.SYN;
import static dev.senda.datapath.TestDatapath.TC_ACT_OK;
import static dev.senda.datapath.TestDatapath.TC_ACT_REDIRECT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The per-packet datapath as data, in the manner of Katran's test fixtures: one table of cases
 * (name, set-up, input frame, expected verdict, expected output frame), each run for both families
 * through {@code BPF_PROG_TEST_RUN}. Every expected frame is built independently with checksums
 * computed from scratch and compared byte for byte. A case names its addresses through
 * {@link Net}, so the same case is an IPv4 and an IPv6 test.
 */
@Tag("privileged")
class TcPacketCasesTest {
    static final int CPORT = 40000;
    static final int VPORT = 80;
    static final int BPORT = 8080;
    static final int SERVICE_ID = 7;
    /**
     * ICMPv6 errors quote the invoking packet up to this many bytes, so that the error fits the
     * minimum IPv6 MTU of 1280 (RFC 4443 2.4(c): 1280 - 40 - 8; bpf/README.md).
     */
    static final int ICMP6_QUOTE = 1232;

    /**
     * IPv4 ICMP quote of an SCTP packet: the header and 20 bytes, so that an INIT's chunk type and
     * Initiate Tag are in it (RFC 9260 appendix C; Linux ignores the error for an INIT otherwise).
     */
    static final int SCTP_ICMP4_QUOTE = 20 + 20;

    /** The addresses of one family's test node. */
    record Net(IpFamily family, String client, String vip, String emptyVip, String backendA, String other) {
    }

    static final Net V4 = new Net(IpFamily.IPV4, "10.244.1.2", "10.96.0.10", "10.96.0.11", "10.244.2.3", "10.244.9.9");
    static final Net V6 = new Net(IpFamily.IPV6, "fd00:10:244:1::2", "fd00:96::a", "fd00:96::b", "fd00:10:244:2::3",
            "fd00:10:244:9::9");

    /**
     * One row of the table.
     *
     * @param name     what the case shows
     * @param families the families it applies to
     * @param setup    programs the maps and runs earlier packets
     * @param input    the frame under test
     * @param verdict  the expected tc verdict
     * @param expected the expected frame after the program
     */
    record Case(String name, List<IpFamily> families, BiConsumer<TestDatapath, Net> setup,
                Function<Net, byte[]> input, int verdict, Function<Net, byte[]> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<IpFamily> BOTH = List.of(IpFamily.IPV4, IpFamily.IPV6);

    static PacketBuilder syn(Net n) {
        return PacketBuilder.tcp(n.client(), CPORT, n.vip(), VPORT).flags(SYN).seq(1_000_000)
                .tcpOptions(TcDatapathTest.SYN_OPTIONS);
    }

    /** The client's SCTP INIT to the Service (verification tag 0, RFC 9260 8.5.1). */
    static PacketBuilder sctpInit(Net n) {
        return PacketBuilder.sctp(n.client(), CPORT, n.vip(), VPORT).init(SCTP_INIT, 0x11223344L, 1000);
    }

    /** DATA of the client's association to the Service (the backend's tag as verification tag). */
    static PacketBuilder sctpData(Net n, byte[] userData) {
        return PacketBuilder.sctp(n.client(), CPORT, n.vip(), VPORT).vtag(0x55667788L).data(1000, userData);
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** User data that makes the IP packet of one DATA chunk exactly 1500 bytes (the usual MTU). */
    static byte[] fullMtuData(Net n) {
        int ipHeader = n.family() == IpFamily.IPV4 ? 20 : 40;
        byte[] d = new byte[1500 - ipHeader - 12 - 16];
        for (int i = 0; i < d.length; i++) d[i] = (byte) (i * 7 + 3);
        return d;
    }

    /** A Service whose one backend is the client pod itself. */
    static void hairpinService(TestDatapath dp, Net n, Protocol proto) {
        dp.putBackend(1, n.client(), BPORT, proto);
        dp.putService(n.vip(), VPORT, proto, SERVICE_ID, 1);
    }

    static void serviceWithBackendA(TestDatapath dp, Net n, Protocol proto) {
        dp.putBackend(1, n.backendA(), BPORT, proto);
        dp.putService(n.vip(), VPORT, proto, SERVICE_ID, 1);
    }

    static final List<Case> CASES = List.of(
            new Case("TCP SYN to a Service is DNATed to its backend", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.TCP),
                    n -> syn(n).build(), TC_ACT_OK,
                    n -> syn(n).dst(n.backendA(), BPORT).build()),
            new Case("TCP data with an odd payload length is DNATed", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.TCP),
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.vip(), VPORT).flags(ACK).seq(5).ack(9).payload("odd").build(),
                    TC_ACT_OK,
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.backendA(), BPORT).flags(ACK).seq(5).ack(9).payload("odd").build()),
            new Case("UDP to a Service is DNATed to its backend", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.UDP),
                    n -> PacketBuilder.udp(n.client(), 53001, n.vip(), VPORT).payload("query").build(), TC_ACT_OK,
                    n -> PacketBuilder.udp(n.client(), 53001, n.backendA(), BPORT).payload("query").build()),
            new Case("the backend's TCP reply gets the VIP back as its source", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.TCP);
                        dp.run(syn(n).build());
                    },
                    n -> PacketBuilder.tcp(n.backendA(), BPORT, n.client(), CPORT).flags(SYN | ACK).seq(555).ack(1_000_001).build(),
                    TC_ACT_OK,
                    n -> PacketBuilder.tcp(n.vip(), VPORT, n.client(), CPORT).flags(SYN | ACK).seq(555).ack(1_000_001).build()),
            new Case("the backend's UDP reply gets the VIP back as its source", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.UDP);
                        dp.run(PacketBuilder.udp(n.client(), 53001, n.vip(), VPORT).payload("q").build());
                    },
                    n -> PacketBuilder.udp(n.backendA(), BPORT, n.client(), 53001).payload("answer").build(), TC_ACT_OK,
                    n -> PacketBuilder.udp(n.vip(), VPORT, n.client(), 53001).payload("answer").build()),
            new Case("a reply without conntrack entry is left alone", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.TCP),
                    n -> PacketBuilder.tcp(n.backendA(), BPORT, n.client(), CPORT).flags(ACK).seq(1).build(), TC_ACT_OK,
                    n -> PacketBuilder.tcp(n.backendA(), BPORT, n.client(), CPORT).flags(ACK).seq(1).build()),
            new Case("TCP SYN to a Service without endpoints is answered with RST|ACK from the VIP", BOTH,
                    (dp, n) -> dp.putService(n.emptyVip(), VPORT, Protocol.TCP, 9),
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.emptyVip(), VPORT).flags(SYN).seq(0xfffffffeL)
                            .tcpOptions(TcDatapathTest.SYN_OPTIONS).build(),
                    TC_ACT_REDIRECT,
                    n -> PacketBuilder.tcp(n.emptyVip(), VPORT, n.client(), CPORT).macs(HOST_MAC, POD_MAC)
                            .flags(RST | ACK).seq(0).ack(0xffffffffL).window(0).ipId(0).ttl(64).build()),
            new Case("a TCP segment with ACK to a Service without endpoints gets a RST with its ack as sequence", BOTH,
                    (dp, n) -> dp.putService(n.emptyVip(), VPORT, Protocol.TCP, 9),
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.emptyVip(), VPORT).flags(ACK).seq(5000).ack(9000)
                            .payload("hello").build(),
                    TC_ACT_REDIRECT,
                    n -> PacketBuilder.tcp(n.emptyVip(), VPORT, n.client(), CPORT).macs(HOST_MAC, POD_MAC)
                            .flags(RST).seq(9000).ack(0).window(0).ipId(0).build()),
            new Case("UDP to a Service without endpoints is answered with port unreachable", BOTH,
                    (dp, n) -> dp.putService(n.emptyVip(), VPORT, Protocol.UDP, 9),
                    n -> PacketBuilder.udp(n.client(), 53000, n.emptyVip(), VPORT).payload("a long enough query").build(),
                    TC_ACT_REDIRECT,
                    TcPacketCasesTest::portUnreachable),
            new Case("SCTP INIT to a Service is DNATed to its backend with the CRC32c recomputed", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.SCTP),
                    n -> sctpInit(n).build(), TC_ACT_OK,
                    n -> sctpInit(n).dst(n.backendA(), BPORT).build()),
            new Case("SCTP DATA with an odd user data length (padded chunk) is DNATed", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.SCTP),
                    n -> sctpData(n, ascii("odd")).build(), TC_ACT_OK,
                    n -> sctpData(n, ascii("odd")).dst(n.backendA(), BPORT).build()),
            new Case("a full-MTU SCTP packet is DNATed with the CRC32c over all of it", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.SCTP),
                    n -> sctpData(n, fullMtuData(n)).build(), TC_ACT_OK,
                    n -> sctpData(n, fullMtuData(n)).dst(n.backendA(), BPORT).build()),
            new Case("the backend's SCTP INIT ACK gets the VIP back as its source", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.SCTP);
                        dp.run(sctpInit(n).build());
                    },
                    n -> PacketBuilder.sctp(n.backendA(), BPORT, n.client(), CPORT).vtag(0x11223344L)
                            .init(SCTP_INIT_ACK, 0x55667788L, 5000).build(), TC_ACT_OK,
                    n -> PacketBuilder.sctp(n.vip(), VPORT, n.client(), CPORT).vtag(0x11223344L)
                            .init(SCTP_INIT_ACK, 0x55667788L, 5000).build()),
            new Case("SCTP DATA of an established association keeps its backend after it left the Service", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.SCTP);
                        dp.run(sctpInit(n).build());
                        dp.putBackend(2, n.other(), BPORT, Protocol.SCTP);
                        dp.putService(n.vip(), VPORT, Protocol.SCTP, SERVICE_ID, 2);
                        dp.deleteBackend(1);
                    },
                    n -> sctpData(n, ascii("still there")).build(), TC_ACT_OK,
                    n -> sctpData(n, ascii("still there")).dst(n.backendA(), BPORT).build()),
            new Case("an SCTP INIT whose association's backend left is balanced afresh", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.SCTP);
                        dp.run(sctpInit(n).build());
                        dp.putBackend(2, n.other(), BPORT, Protocol.SCTP);
                        dp.putService(n.vip(), VPORT, Protocol.SCTP, SERVICE_ID, 2);
                        dp.deleteBackend(1);
                    },
                    n -> sctpInit(n).build(), TC_ACT_OK,
                    n -> sctpInit(n).dst(n.other(), BPORT).build()),
            new Case("SCTP INIT to a Service without endpoints is answered with port unreachable", BOTH,
                    (dp, n) -> dp.putService(n.emptyVip(), VPORT, Protocol.SCTP, 9),
                    TcPacketCasesTest::sctpInitToEmpty, TC_ACT_REDIRECT,
                    n -> portUnreachable(n, sctpInitToEmpty(n), SCTP_ICMP4_QUOTE)),
            new Case("a pod reaching itself through an SCTP Service is hairpinned with the VIP as source", BOTH,
                    (dp, n) -> hairpinService(dp, n, Protocol.SCTP),
                    n -> sctpInit(n).build(), TC_ACT_OK,
                    n -> sctpInit(n).src(n.vip(), CPORT).dst(n.client(), BPORT).build()),
            new Case("the hairpinned SCTP INIT ACK goes back to the pod from the VIP", BOTH,
                    (dp, n) -> {
                        hairpinService(dp, n, Protocol.SCTP);
                        dp.run(sctpInit(n).build());
                    },
                    n -> PacketBuilder.sctp(n.client(), BPORT, n.vip(), CPORT).vtag(0x11223344L)
                            .init(SCTP_INIT_ACK, 0x55667788L, 5000).build(), TC_ACT_OK,
                    n -> PacketBuilder.sctp(n.vip(), VPORT, n.client(), CPORT).vtag(0x11223344L)
                            .init(SCTP_INIT_ACK, 0x55667788L, 5000).build()),
            new Case("an SCTP Service does not capture TCP to the same port", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.SCTP),
                    n -> syn(n).build(), TC_ACT_OK, n -> syn(n).build()),
            new Case("a pod reaching itself through its Service is hairpinned with the VIP as source", BOTH,
                    (dp, n) -> hairpinService(dp, n, Protocol.TCP),
                    n -> syn(n).build(), TC_ACT_OK,
                    n -> syn(n).src(n.vip(), CPORT).dst(n.client(), BPORT).build()),
            new Case("the hairpinned reply goes back to the pod from the VIP", BOTH,
                    (dp, n) -> {
                        hairpinService(dp, n, Protocol.TCP);
                        dp.run(syn(n).build());
                    },
                    n -> PacketBuilder.tcp(n.client(), BPORT, n.vip(), CPORT).flags(SYN | ACK).seq(7).ack(1_000_001).build(),
                    TC_ACT_OK,
                    n -> PacketBuilder.tcp(n.vip(), VPORT, n.client(), CPORT).flags(SYN | ACK).seq(7).ack(1_000_001).build()),
            new Case("a packet to an address that is no Service passes untouched", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.TCP),
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.other(), VPORT).flags(SYN).seq(1).build(), TC_ACT_OK,
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.other(), VPORT).flags(SYN).seq(1).build()),
            new Case("a TCP Service does not capture UDP to the same port", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.TCP),
                    n -> PacketBuilder.udp(n.client(), 53002, n.vip(), VPORT).payload("x").build(), TC_ACT_OK,
                    n -> PacketBuilder.udp(n.client(), 53002, n.vip(), VPORT).payload("x").build()),
            new Case("ICMP echo to the VIP passes untouched", BOTH,
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.TCP),
                    n -> echo(n), TC_ACT_OK, n -> echo(n)),
            new Case("neighbour solicitation for the VIP passes untouched", List.of(IpFamily.IPV6),
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.TCP),
                    TcPacketCasesTest::neighbourSolicitation, TC_ACT_OK, TcPacketCasesTest::neighbourSolicitation),
            new Case("a packet with an extension header passes untouched", List.of(IpFamily.IPV6),
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.TCP),
                    n -> syn(n).hopByHop().build(), TC_ACT_OK, n -> syn(n).hopByHop().build()),
            new Case("a fragment passes untouched", List.of(IpFamily.IPV4),
                    (dp, n) -> serviceWithBackendA(dp, n, Protocol.TCP),
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.vip(), VPORT).flags(ACK).dontFragment(false)
                            .fragment(true, 0).build(), TC_ACT_OK,
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.vip(), VPORT).flags(ACK).dontFragment(false)
                            .fragment(true, 0).build()));

    static byte[] echo(Net n) {
        int type = n.family() == IpFamily.IPV4 ? 8 : 128;
        return PacketBuilder.icmp(n.client(), n.vip(), type, 0).payload("ping").build();
    }

    /** ICMPv6 neighbour solicitation (type 135) for the VIP, sent to its solicited-node multicast address. */
    static byte[] neighbourSolicitation(Net n) {
        byte[] target = PacketBuilder.ip(n.vip()).bytes();
        byte[] body = new byte[16 + 8];
        System.arraycopy(target, 0, body, 0, 16);
        body[16] = 1; // source link-layer address option
        body[17] = 1;
        System.arraycopy(POD_MAC, 0, body, 18, 6);
        String solicited = String.format("ff02::1:ff%02x:%02x%02x", target[13] & 0xff, target[14] & 0xff, target[15] & 0xff);
        return PacketBuilder.icmp(n.client(), solicited, 135, 0).ttl(255).payload(body).build();
    }

    static byte[] sctpInitToEmpty(Net n) {
        return PacketBuilder.sctp(n.client(), CPORT, n.emptyVip(), VPORT).init(SCTP_INIT, 0x11223344L, 1000).build();
    }

    /**
     * Port unreachable from the VIP: ICMP type 3 code 3 quoting the IPv4 header and 8 bytes, or
     * ICMPv6 type 1 code 4 quoting the invoking packet up to {@link #ICMP6_QUOTE} bytes.
     */
    static byte[] portUnreachable(Net n) {
        return portUnreachable(n, PacketBuilder.udp(n.client(), 53000, n.emptyVip(), VPORT).payload("a long enough query")
                .build(), 28);
    }

    /** Port unreachable answering {@code in}, quoting {@code quote4} bytes of it in IPv4. */
    static byte[] portUnreachable(Net n, byte[] in, int quote4) {
        if (n.family() == IpFamily.IPV4) {
            byte[] quote = Arrays.copyOfRange(in, PacketBuilder.ETH_HLEN, PacketBuilder.ETH_HLEN + quote4);
            return PacketBuilder.icmp(n.emptyVip(), n.client(), 3, 3).macs(HOST_MAC, POD_MAC).tos(0xc0).ipId(0)
                    .dontFragment(false).payload(quote).build();
        }
        int len = Math.min(in.length - PacketBuilder.ETH_HLEN, ICMP6_QUOTE);
        byte[] quote = Arrays.copyOfRange(in, PacketBuilder.ETH_HLEN, PacketBuilder.ETH_HLEN + len);
        return PacketBuilder.icmp(n.emptyVip(), n.client(), 1, 4).macs(HOST_MAC, POD_MAC).ttl(64).payload(quote).build();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Net net : List.of(V4, V6)) {
            for (Case c : CASES) {
                if (c.families().contains(net.family())) out.add(Arguments.of(net.family(), c, net));
            }
        }
        return out.stream();
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

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("cases")
    void packetCase(IpFamily family, Case c, Net net) {
        dp = TestDatapath.loadTc();
        c.setup().accept(dp, net);
        TestRunResult r = dp.run(c.input().apply(net));
        assertEquals(c.verdict(), r.retval(), "tc verdict");
        assertEquals(Frames.hex(c.expected().apply(net)), Frames.hex(r.dataOut()), "frame bytes");
    }
}
