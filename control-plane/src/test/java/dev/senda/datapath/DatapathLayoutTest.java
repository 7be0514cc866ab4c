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
    }
}
