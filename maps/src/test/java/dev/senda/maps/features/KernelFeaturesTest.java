package dev.senda.maps.features;

import dev.senda.maps.libbpf.CgroupAttachType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelFeaturesTest {
    @Test
    void summaryIsOneLineWithEveryFeatureInOrder() {
        KernelFeatures f = KernelFeatures.all(Finding.yes()).with(Feature.SOCK_DESTROY, Finding.no("absent"));
        assertEquals("tcx=yes clsact=yes xdp=yes connect4=yes sendmsg4=yes recvmsg4=yes getpeername4=yes "
                + "connect6=yes sendmsg6=yes recvmsg6=yes getpeername6=yes set_retval=yes lpm_trie=yes "
                + "sock_destroy=no", f.summary());
    }

    @Test
    void aFeatureLeftOutIsUnknownNeitherPresentNorMissing() {
        KernelFeatures f = new KernelFeatures(Map.of(Feature.TCX, Finding.yes()));
        assertTrue(f.has(Feature.TCX));
        assertEquals(Support.UNKNOWN, f.finding(Feature.XDP).support());
        assertEquals("not probed", f.finding(Feature.XDP).detail());
        assertFalse(f.has(Feature.XDP));
        assertFalse(f.lacks(Feature.XDP));
    }

    @Test
    void withReplacesOneFindingAndLeavesTheOriginalAlone() {
        KernelFeatures all = KernelFeatures.all(Finding.yes());
        KernelFeatures noTcx = all.with(Feature.TCX, Finding.no("EINVAL"));
        assertTrue(all.has(Feature.TCX));
        assertTrue(noTcx.lacks(Feature.TCX));
        assertEquals("EINVAL", noTcx.finding(Feature.TCX).detail());
    }

    @Test
    void everySocketLbHookHasItsFeature() {
        for (CgroupAttachType hook : new CgroupAttachType[]{CgroupAttachType.INET4_CONNECT,
                CgroupAttachType.UDP4_SENDMSG, CgroupAttachType.UDP4_RECVMSG, CgroupAttachType.INET4_GETPEERNAME,
                CgroupAttachType.INET6_CONNECT, CgroupAttachType.UDP6_SENDMSG, CgroupAttachType.UDP6_RECVMSG,
                CgroupAttachType.INET6_GETPEERNAME}) {
            assertEquals(hook, Feature.ofHook(hook).hook().orElseThrow());
        }
        assertEquals("getpeername6", Feature.ofHook(CgroupAttachType.INET6_GETPEERNAME).key());
    }
}
