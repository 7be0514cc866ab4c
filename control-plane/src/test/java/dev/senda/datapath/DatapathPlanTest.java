package dev.senda.datapath;

import dev.senda.datapath.DatapathLayout.CgroupProgram;
import dev.senda.maps.features.Feature;
import dev.senda.maps.features.Finding;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.libbpf.CgroupAttachType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loader's choices on made-up kernels: no root, no BPF. */
class DatapathPlanTest {
    private static final KernelFeatures EVERYTHING = KernelFeatures.all(Finding.yes());

    private static List<CgroupAttachType> hooks(List<CgroupProgram> programs) {
        return programs.stream().map(CgroupProgram::hook).toList();
    }

    @Test
    void aKernelWithEverythingGetsTcxAndEverySocketHook() {
        DatapathPlan plan = DatapathPlan.of(EVERYTHING);
        assertEquals(TcMode.TCX, plan.tcMode());
        assertEquals("", plan.tcReason());
        assertEquals(DatapathLayout.SOCKET_LB_PROGRAMS, plan.socketLb());
        assertEquals(List.of(), plan.skippedSocketLb());
    }

    @Test
    void withoutTcxTcProgramsGoThroughClsact() {
        DatapathPlan plan = DatapathPlan.of(EVERYTHING.with(Feature.TCX,
                Finding.no("the kernel refuses tcx links: Invalid argument (errno 22)")));
        assertEquals(TcMode.CLSACT, plan.tcMode());
        assertTrue(plan.tcReason().contains("tcx missing (the kernel refuses tcx links"), plan.tcReason());
        assertEquals(DatapathLayout.SOCKET_LB_PROGRAMS, plan.socketLb(), "socket LB does not depend on tc");
    }

    @Test
    void clsactThatCouldNotBeProbedIsStillTried() {
        DatapathPlan plan = DatapathPlan.of(EVERYTHING.with(Feature.TCX, Finding.no("EINVAL"))
                .with(Feature.CLSACT, Finding.unknown("cannot create a scratch network namespace")));
        assertEquals(TcMode.CLSACT, plan.tcMode());
    }

    @Test
    void withNeitherTcxNorClsactNothingIsAttachedToDevices() {
        DatapathPlan plan = DatapathPlan.of(EVERYTHING.with(Feature.TCX, Finding.no("EINVAL"))
                .with(Feature.CLSACT, Finding.no("no sch_ingress")));
        assertEquals(TcMode.NONE, plan.tcMode());
        assertTrue(plan.tcReason().contains("tcx missing") && plan.tcReason().contains("clsact missing (no sch_ingress)"),
                plan.tcReason());
    }

    @Test
    void withoutSetRetvalConnectAndSendmsgAreLeftOutAndTheRestStays() {
        DatapathPlan plan = DatapathPlan.of(EVERYTHING.with(Feature.SET_RETVAL, Finding.no("unknown func")));
        assertEquals(List.of(CgroupAttachType.UDP4_RECVMSG, CgroupAttachType.INET4_GETPEERNAME,
                CgroupAttachType.UDP6_RECVMSG, CgroupAttachType.INET6_GETPEERNAME), hooks(plan.socketLb()));
        assertEquals(4, plan.skippedSocketLb().size());
        for (DatapathPlan.Skipped s : plan.skippedSocketLb()) {
            assertEquals("set_retval missing (unknown func)", s.reason(), s.program().program());
        }
    }

    @Test
    void aMissingHookLeavesOutOnlyItsProgram() {
        DatapathPlan plan = DatapathPlan.of(EVERYTHING.with(Feature.GETPEERNAME6, Finding.no("EINVAL")));
        assertEquals(7, plan.socketLb().size());
        assertEquals("senda_sock6_getpeername", plan.skippedSocketLb().getFirst().program().program());
        assertEquals(TcMode.TCX, plan.tcMode());
    }

    @Test
    void aHookThatCouldNotBeProbedIsNotTrusted() {
        // A program the verifier refuses fails the whole object's load: only what was seen to work is loaded.
        DatapathPlan plan = DatapathPlan.of(EVERYTHING.with(Feature.CONNECT4, Finding.unknown("not permitted")));
        assertEquals("connect4 unknown (not permitted)", plan.skippedSocketLb().getFirst().reason());
    }

    @Test
    void everyProgramNeedsItsOwnHook() {
        for (CgroupProgram p : DatapathLayout.SOCKET_LB_PROGRAMS) {
            assertTrue(p.needs().contains(Feature.ofHook(p.hook())), p.program());
        }
    }
}
