package dev.senda.maps.libbpf;

import dev.senda.maps.TestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the kernel says to programs loaded from instructions: the feature probe's vocabulary. */
@Tag("privileged")
class BareProgramPrivilegedTest {
    private static final int BPF_FUNC_SET_RETVAL = 187;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void aValidProgramLoadsAndClosesIdempotently() {
        BareProgram p = BareProgram.load("ok_connect4", BareProgram.TYPE_CGROUP_SOCK_ADDR,
                CgroupAttachType.INET4_CONNECT.value(), Insns.returning(1));
        assertTrue(p.fd() > 0);
        p.close();
        p.close();
        assertThrows(IllegalStateException.class, p::fd);
    }

    @Test
    void aRefusalCarriesTheVerifiersReasonNotItsStatistics() {
        // recvmsg4 programs must return 1
        LibbpfException e = assertThrows(LibbpfException.class, () -> BareProgram.load("bad_recvmsg4",
                BareProgram.TYPE_CGROUP_SOCK_ADDR, CgroupAttachType.UDP4_RECVMSG.value(), Insns.returning(0)));
        assertEquals(LibbpfException.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("(verifier: "), e.getMessage());
        assertTrue(!e.getMessage().contains("processed "), e.getMessage());
    }

    @Test
    void setRetvalIsForHooksWhoseVerdictCounts() {
        // Why the probe asks from connect4: recvmsg4's verdict is ignored, so the helper is refused there.
        Insns callSetRetval = new Insns().movImm(1, 0).call(BPF_FUNC_SET_RETVAL).movImm(0, 1).exit();
        BareProgram.load("retval_connect4", BareProgram.TYPE_CGROUP_SOCK_ADDR,
                CgroupAttachType.INET4_CONNECT.value(), callSetRetval).close();
        LibbpfException e = assertThrows(LibbpfException.class, () -> BareProgram.load("retval_recvmsg4",
                BareProgram.TYPE_CGROUP_SOCK_ADDR, CgroupAttachType.UDP4_RECVMSG.value(), callSetRetval));
        assertTrue(e.getMessage().contains("bpf_set_retval"), e.getMessage());
    }

    @Test
    void anUnknownExpectedAttachTypeIsRefused() {
        LibbpfException e = assertThrows(LibbpfException.class, () -> BareProgram.load("bad_type",
                BareProgram.TYPE_CGROUP_SOCK_ADDR, 999, Insns.returning(1)));
        assertEquals(LibbpfException.EINVAL, e.errno());
    }
}
