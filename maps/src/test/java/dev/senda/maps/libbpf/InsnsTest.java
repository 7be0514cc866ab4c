package dev.senda.maps.libbpf;

import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InsnsTest {
    @Test
    void encodesAsTheKernelReadsStructBpfInsn() {
        // As `bpftool prog dump xlated ... opcodes` shows them on little-endian hosts (x86-64, arm64).
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder());
        Insns insns = new Insns().movImm(1, 0).call(187).movImm(0, 1).exit();
        assertEquals(4, insns.count());
        assertEquals("b701000000000000" + "85000000bb000000" + "b700000001000000" + "9500000000000000",
                HexFormat.of().formatHex(insns.bytes()));
    }

    @Test
    void returningIsMovR0AndExit() {
        assertEquals(2, Insns.returning(2).count());
        assertEquals(16, Insns.returning(2).bytes().length);
    }

    @Test
    void onlyElevenRegisters() {
        assertThrows(IllegalArgumentException.class, () -> new Insns().movImm(11, 0));
    }
}
