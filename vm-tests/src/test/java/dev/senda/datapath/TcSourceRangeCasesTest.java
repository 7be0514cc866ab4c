package dev.senda.datapath;

import dev.senda.datapath.TcPacketCasesTest.Case;
import dev.senda.datapath.TcPacketCasesTest.Net;
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
import java.util.List;
import java.util.stream.Stream;

import static dev.senda.datapath.PacketBuilder.ACK;
import static dev.senda.datapath.TcPacketCasesTest.BPORT;
import static dev.senda.datapath.TcPacketCasesTest.CPORT;
import static dev.senda.datapath.TcPacketCasesTest.SERVICE_ID;
import static dev.senda.datapath.TcPacketCasesTest.V4;
import static dev.senda.datapath.TcPacketCasesTest.V6;
import static dev.senda.datapath.TcPacketCasesTest.VPORT;
import static dev.senda.datapath.TcPacketCasesTest.serviceWithBackendA;
import static dev.senda.datapath.TcPacketCasesTest.syn;
import static dev.senda.datapath.TestDatapath.TC_ACT_OK;
import static dev.senda.datapath.TestDatapath.TC_ACT_SHOT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * loadBalancerSourceRanges in the per-packet datapath, as a table in {@link TcPacketCasesTest}'s
 * style, both families: a frontend with {@code SENDA_SVC_FLAG_SOURCE_RANGES} translates new flows from
 * sources in its ranges and drops the others unanswered (bpf/lib/src_range.h).
 */
@Tag("privileged")
class TcSourceRangeCasesTest {
    /** The client's network: 10.244.1.0/24 or fd00:10:244:1::/64 (host bits ignored). */
    static String clientNet(Net n) {
        return n.client() + (n.family() == IpFamily.IPV4 ? "/24" : "/64");
    }

    /** Only {@link Net#other()}: the client is outside. */
    static String otherOnly(Net n) {
        return n.other() + (n.family() == IpFamily.IPV4 ? "/32" : "/128");
    }

    static final List<IpFamily> BOTH = List.of(IpFamily.IPV4, IpFamily.IPV6);

    static final List<Case> CASES = List.of(
            new Case("a SYN from inside the source ranges is DNATed", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.TCP);
                        dp.restrictSources(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, 1, otherOnly(n), clientNet(n));
                    },
                    n -> syn(n).build(), TC_ACT_OK,
                    n -> syn(n).dst(n.backendA(), BPORT).build()),
            new Case("a SYN from outside the source ranges is dropped unanswered", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.TCP);
                        dp.restrictSources(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, 1, otherOnly(n));
                    },
                    n -> syn(n).build(), TC_ACT_SHOT,
                    n -> syn(n).build()),
            new Case("UDP from outside the source ranges is dropped unanswered", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.UDP);
                        dp.restrictSources(n.vip(), VPORT, Protocol.UDP, SERVICE_ID, 1, otherOnly(n));
                    },
                    n -> PacketBuilder.udp(n.client(), 53001, n.vip(), VPORT).payload("query").build(), TC_ACT_SHOT,
                    n -> PacketBuilder.udp(n.client(), 53001, n.vip(), VPORT).payload("query").build()),
            new Case("a frontend without the flag ignores range entries of its service id", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.TCP);
                        dp.putSourceRange(SERVICE_ID, otherOnly(n));
                    },
                    n -> syn(n).build(), TC_ACT_OK,
                    n -> syn(n).dst(n.backendA(), BPORT).build()),
            new Case("ranges of another service id do not admit the client", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.TCP);
                        dp.putSourceRange(SERVICE_ID + 1, clientNet(n));
                        dp.restrictSources(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, 1, otherOnly(n));
                    },
                    n -> syn(n).build(), TC_ACT_SHOT,
                    n -> syn(n).build()),
            new Case("a frontend without endpoints drops a source outside its ranges instead of refusing it", BOTH,
                    (dp, n) -> {
                        dp.putService(n.emptyVip(), VPORT, Protocol.TCP, 9);
                        dp.restrictSources(n.emptyVip(), VPORT, Protocol.TCP, 9, 0, otherOnly(n));
                    },
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.emptyVip(), VPORT).flags(PacketBuilder.SYN).seq(1).build(),
                    TC_ACT_SHOT,
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.emptyVip(), VPORT).flags(PacketBuilder.SYN).seq(1).build()),
            new Case("an established flow keeps its backend after its source left the ranges", BOTH,
                    (dp, n) -> {
                        serviceWithBackendA(dp, n, Protocol.TCP);
                        dp.restrictSources(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, 1, clientNet(n));
                        dp.run(syn(n).build());
                        dp.clearSourceRanges();
                        dp.restrictSources(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, 1, otherOnly(n));
                    },
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.vip(), VPORT).flags(ACK).seq(1_000_001).ack(9).build(),
                    TC_ACT_OK,
                    n -> PacketBuilder.tcp(n.client(), CPORT, n.backendA(), BPORT).flags(ACK).seq(1_000_001).ack(9).build()));

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
