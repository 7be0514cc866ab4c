package dev.senda.datapath;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DatapathLayoutTest {
    @ParameterizedTest
    @ValueSource(strings = {"veth1", "eth0.100", "a.b.c", "x%y", "%2e", "%.", "lxc_1-2"})
    void tcPinNamesHoldNoDotAndMapBackToTheInterface(String ifname) {
        Path pin = DatapathLayout.tcLinkPin(Path.of("/sys/fs/bpf/senda"), ifname);
        assertFalse(pin.getFileName().toString().contains("."), pin.toString());
        assertEquals(ifname, DatapathLayout.ifnameOfTcPin(pin));
        assertEquals(java.util.Optional.empty(), DatapathLayout.NODE_DEVICES.ifnameOfPin(pin), "not a node pin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth0", "eth0.100", "bond0"})
    void nodePinsAreTheirOwnKind(String ifname) {
        Path pin = DatapathLayout.tcLinkPin(Path.of("/sys/fs/bpf/senda"), DatapathLayout.NODE_TC_HOOKS.getFirst(), ifname);
        assertEquals(java.util.Optional.of(ifname), DatapathLayout.NODE_DEVICES.ifnameOfPin(pin));
        assertEquals(java.util.Optional.empty(), DatapathLayout.POD_DEVICES.ifnameOfPin(pin), "not a pod pin");
        assertEquals(ifname, DatapathLayout.ifnameOfTcPin(pin));
    }
}
