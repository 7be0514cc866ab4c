package dev.senda.datapath;

import dev.senda.maps.libbpf.BpfProgram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verifier's work for each datapath program: every agent start pays it (a restart too, since a
 * program is verified before it can be found identical to the attached one), and a program that
 * needs more than the kernel's 1,000,000 processed instructions does not load at all. The per-packet
 * stages are global BPF functions so that each is verified once (bpf/lib/common.h, SENDA_GLOBAL_CALL):
 * as static subprograms, {@code senda_tc_from_pod} alone took 341,123 instructions on 6.18 and the tc
 * object's three programs 542,852. Each program must stay within a fifth of the limit and an object's
 * programs together within two fifths, which leaves room for the datapath to grow and catches a change
 * that brings back the static paths' growth. Prints each program's figure and the object's total.
 */
@Tag("privileged")
class VerifierWorkTest {
    /** A fifth of the kernel's limit on processed instructions (BPF_COMPLEXITY_LIMIT_INSNS). */
    static final int BUDGET = 200_000;
    /** Two fifths, for all programs of one object. */
    static final int OBJECT_BUDGET = 400_000;

    @BeforeAll
    static void requireRoot() {
        TcDatapathTest.requireRoot();
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatapath.TC_OBJECT, TestDatapath.SOCK_OBJECT})
    void everyProgramVerifiesWithinAFifthOfTheKernelLimit(String object) {
        List<String> over = new ArrayList<>();
        long total = 0;
        try (TestDatapath dp = TestDatapath.load(object)) {
            for (BpfProgram p : dp.programs()) {
                int insns = p.verifiedInstructions();
                System.out.printf("verifier: %s %s: %,d instructions processed%n", object, p.name(), insns);
                assertTrue(insns > 0, p.name() + ": the kernel reports no verified instructions");
                if (insns > BUDGET) over.add(p.name() + " " + insns);
                total += insns;
            }
        }
        System.out.printf("verifier: %s: %,d instructions processed in all%n", object, total);
        assertTrue(over.isEmpty(), "over " + BUDGET + " processed instructions: " + over);
        assertTrue(total <= OBJECT_BUDGET, object + ": " + total + " processed instructions, over " + OBJECT_BUDGET);
    }
}
