package dev.senda.maps.libbpf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectLoadExceptionTest {
    private static final String WARNINGS = """
            libbpf: prog 'senda_tc_from_pod': BPF program load failed: Permission denied
            libbpf: prog 'senda_tc_from_pod': -- BEGIN PROG LOAD LOG --
            0: R1=ctx() R10=fp0
            0: (61) r1 = *(u32 *)(r1 +76)         ; R1=pkt(r=0)
            1: (71) r0 = *(u8 *)(r1 +20)
            invalid access to packet, off=20 size=1, R1(id=0,off=20,r=0)
            R1 offset is outside of the packet
            processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
            -- END PROG LOAD LOG --
            libbpf: prog 'senda_tc_from_pod': failed to load: -13
            libbpf: failed to load object 'senda_tc.o'
            """;

    @Test
    void theTailIsTheEndOfTheVerifiersLogBoundedInLinesAndCharacters() {
        ObjectLoadException e = new ObjectLoadException("load", 13, "", WARNINGS);
        assertEquals("senda_tc_from_pod", e.rejectedProgram().orElseThrow());
        assertEquals("invalid access to packet, off=20 size=1, R1(id=0,off=20,r=0)\nR1 offset is outside of the packet\n"
                + "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0",
                e.verifierTail(3, 1000));
        String short_ = e.verifierTail(8, 40);
        assertEquals(40, short_.length());
        assertTrue(short_.startsWith("...") && short_.endsWith("mark_read 0"), short_);
    }

    @Test
    void withoutAVerifierLogTheWarningsEndIsTheTail() {
        ObjectLoadException e = new ObjectLoadException("load", 22, "", "libbpf: map 'x': unsupported map type\n");
        assertEquals("libbpf: map 'x': unsupported map type", e.verifierTail(8, 1000));
        assertTrue(e.rejectedProgram().isEmpty());
    }
}
