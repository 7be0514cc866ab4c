package dev.senda.datapath;

import dev.senda.datapath.TcPacketCasesTest.Net;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.libbpf.TestRunResult;
import dev.senda.maps.metrics.DatapathEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static dev.senda.datapath.TcPacketCasesTest.BPORT;
import static dev.senda.datapath.TcPacketCasesTest.VPORT;
import static dev.senda.datapath.TcPacketCasesTest.syn;
import static dev.senda.datapath.TestDatapath.TC_ACT_OK;
import static dev.senda.datapath.TestDatapath.TC_ACT_SHOT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Traffic policies in the per-packet datapath ({@code bpf/lib/lb_select.h}, "scopes"): a frontend
 * of externalTrafficPolicy Local serves traffic from outside ({@code senda_tc_from_net}) from its
 * EXTERNAL scope (this node's endpoints) and traffic from this node's pods ({@code
 * senda_tc_from_pod}) from its INTERNAL sibling (every endpoint); a node-local frontend without an
 * endpoint here drops, silently, where a Service without endpoints is refused. Both families,
 * through {@code BPF_PROG_TEST_RUN}, frames compared byte for byte.
 */
@Tag("privileged")
class TcTrafficPolicyTest {
    private static final String FROM_POD = "senda_tc_from_pod";
    private static final String FROM_NET = "senda_tc_from_net";
    private static final int LOCAL_BACKEND = 1;
    private static final int REMOTE_BACKEND = 2;

    private TestDatapath dp;

    @BeforeAll
    static void requireRoot() throws java.io.IOException {
        TcDatapathTest.requireRoot();
    }

    @AfterEach
    void unload() {
        if (dp != null) dp.close();
    }

    static List<Net> families() {
        return List.of(TcPacketCasesTest.V4, TcPacketCasesTest.V6);
    }

    /**
     * Loads a fresh datapath (no conntrack from an earlier case) with a NodePort-like frontend of
     * externalTrafficPolicy Local: EXTERNAL holds {@code externalBackends} (this node's), INTERNAL
     * holds the remote backend (every endpoint) unless {@code withInternal} is false.
     */
    private void etpLocalFrontend(Net n, boolean withInternal, int extraFlags, int... externalBackends) {
        if (dp != null) dp.close();
        dp = TestDatapath.loadTc();
        dp.putBackend(LOCAL_BACKEND, n.backendA(), BPORT, Protocol.TCP);
        dp.putBackend(REMOTE_BACKEND, n.other(), BPORT, Protocol.TCP);
        if (withInternal) {
            dp.putFrontend(n.vip(), VPORT, Protocol.TCP, Scope.INTERNAL, ServiceValue.FLAG_NODE_PORT, 8,
                    REMOTE_BACKEND);
        }
        dp.putFrontend(n.vip(), VPORT, Protocol.TCP, Scope.EXTERNAL,
                ServiceValue.FLAG_NODE_PORT | ServiceValue.FLAG_TWO_SCOPES | extraFlags, 7, externalBackends);
    }

    private void assertDnatTo(String program, Net n, String backend) {
        TestRunResult r = dp.run(program, syn(n).build());
        assertEquals(TC_ACT_OK, r.retval(), program + " verdict");
        assertEquals(Frames.hex(syn(n).dst(backend, BPORT).build()), Frames.hex(r.dataOut()), program + " frame");
    }

    private void assertDropped(String program, Net n) {
        long before = dp.counter(DatapathEvent.TC_DROP_NO_LOCAL);
        long rejectsBefore = dp.counter(DatapathEvent.TC_REJECT_TCP);
        TestRunResult r = dp.run(program, syn(n).build());
        assertEquals(TC_ACT_SHOT, r.retval(), program + " verdict");
        assertEquals(before + 1, dp.counter(DatapathEvent.TC_DROP_NO_LOCAL), "counted as a drop");
        assertEquals(rejectsBefore, dp.counter(DatapathEvent.TC_REJECT_TCP), "no RST for a dropped packet");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("families")
    void outsideTrafficUsesTheExternalScopeAndPodsTheInternalOne(Net n) {
        etpLocalFrontend(n, true, 0, LOCAL_BACKEND);
        assertDnatTo(FROM_NET, n, n.backendA());
        etpLocalFrontend(n, true, 0, LOCAL_BACKEND);
        assertDnatTo(FROM_POD, n, n.other());
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("families")
    void withoutALocalEndpointOutsideTrafficIsDroppedAndPodsStillServed(Net n) {
        etpLocalFrontend(n, true, ServiceValue.FLAG_DROP_EMPTY);
        assertDropped(FROM_NET, n);
        etpLocalFrontend(n, true, ServiceValue.FLAG_DROP_EMPTY);
        assertDnatTo(FROM_POD, n, n.other());
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("families")
    void aMissingInternalSiblingFallsBackToTheExternalScope(Net n) {
        etpLocalFrontend(n, false, 0, LOCAL_BACKEND);
        assertDnatTo(FROM_POD, n, n.backendA());
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("families")
    void aClusterIpOfInternalTrafficPolicyLocalWithoutLocalEndpointDropsPodTraffic(Net n) {
        dp = TestDatapath.loadTc();
        dp.putFrontend(n.vip(), VPORT, Protocol.TCP, Scope.EXTERNAL, ServiceValue.FLAG_DROP_EMPTY, 7);
        assertDropped(FROM_POD, n);
    }
}
