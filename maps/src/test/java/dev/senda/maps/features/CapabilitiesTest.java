package dev.senda.maps.features;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapabilitiesTest {
    private static String status(String capEff) {
        return "Name:\tjava\nUid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\nCapEff:\t" + capEff + "\nCapBnd:\t000001ffffffffff\n";
    }

    @Test
    void rootWithEveryCapabilityMayRunTheDatapath() {
        Capabilities caps = Capabilities.parse(status("000001fffeffffff"));
        assertTrue(caps.has(Capabilities.Cap.BPF));
        assertTrue(caps.has(Capabilities.Cap.NET_ADMIN));
        assertTrue(caps.has(Capabilities.Cap.SYS_ADMIN));
        assertEquals(List.of(), caps.missingForDatapath());
        caps.requireForDatapath("the agent");
    }

    @Test
    void rootInAContainerWithoutSysAdminMayNot() {
        // docker's default set: no CAP_SYS_ADMIN (bit 21), no CAP_NET_ADMIN (bit 12), no CAP_BPF
        Capabilities caps = Capabilities.parse(status("00000000a80425fb"));
        assertEquals(List.of("CAP_NET_ADMIN", "CAP_SYS_ADMIN"), caps.missingForDatapath());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> caps.requireForDatapath("the agent"));
        assertTrue(e.getMessage().startsWith("the agent needs CAP_NET_ADMIN and CAP_SYS_ADMIN"), e.getMessage());
        assertTrue(e.getMessage().contains("lacks CAP_NET_ADMIN, CAP_SYS_ADMIN (CapEff 00000000a80425fb)"), e.getMessage());
    }

    @Test
    void sysAdminCoversBpfOnKernelsThatPredateCapBpf() {
        Capabilities caps = new Capabilities(1L << 12 | 1L << 21); // NET_ADMIN + SYS_ADMIN, bit 39 unknown
        assertFalse(caps.has(Capabilities.Cap.BPF));
        assertEquals(List.of(), caps.missingForDatapath());
    }

    @Test
    void aStatusWithoutCapEffIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Capabilities.parse("Name:\tjava\n"));
        assertThrows(IllegalArgumentException.class, () -> Capabilities.parse(status("xyz")));
    }

    @Test
    void thisProcessHasAReadableSet() {
        Capabilities.ofThisProcess(); // whatever it holds, reading it works without privileges
    }
}
