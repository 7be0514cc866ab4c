package dev.senda.maps.features;

import dev.senda.maps.TestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real probe on the running kernel, each answer checked against something independent of it:
 * the kernel release for tcx (6.6+), /proc/kallsyms for bpf_sock_destroy, and, for what every
 * kernel Senda supports has (5.18+: the cgroup hooks, set_retval, XDP, LPM tries, clsact), yes.
 */
@Tag("privileged")
class FeatureProbePrivilegedTest {
    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void findsWhatThisKernelHas() throws IOException {
        KernelFeatures f = FeatureProbe.probe();
        // In the report, for comparing kernels (./senda vm-test runs this on Debian's 6.1).
        System.out.println("kernel features: " + f.summary());
        f.findings().forEach((feature, finding) -> {
            if (!finding.present()) System.out.println("  " + feature.key() + ": " + finding.detail());
        });

        assertEquals(atLeast(6, 6), f.has(Feature.TCX), "tcx: " + f.finding(Feature.TCX));
        if (!f.has(Feature.TCX)) assertTrue(f.lacks(Feature.TCX), "a kernel without tcx says no, not unknown");
        assertEquals(kernelSymbol("bpf_sock_destroy"), f.has(Feature.SOCK_DESTROY),
                "sock_destroy: " + f.finding(Feature.SOCK_DESTROY));
        Set<Feature> everywhere = EnumSet.complementOf(EnumSet.of(Feature.TCX, Feature.SOCK_DESTROY));
        for (Feature feature : everywhere) {
            assertTrue(f.has(feature), feature.key() + ": " + f.finding(feature));
        }
    }

    @Test
    void leavesNothingBehindOnTheNode() {
        String qdiscsBefore = TestSupport.run("tc", "qdisc", "show", "dev", "lo");
        String linksBefore = TestSupport.run("bpftool", "link", "show");
        FeatureProbe.probe();
        assertEquals(qdiscsBefore, TestSupport.run("tc", "qdisc", "show", "dev", "lo"), "no clsact on the node's lo");
        assertEquals(linksBefore, TestSupport.run("bpftool", "link", "show"), "no link left");
    }

    @Test
    void isCheapEnoughToRunAtEveryStart() {
        FeatureProbe.probe(); // warm: class loading, libbpf
        long start = System.nanoTime();
        FeatureProbe.probe();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2_000, "took " + millis + " ms");
    }

    private static boolean atLeast(int major, int minor) throws IOException {
        String[] v = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip().split("[.-]");
        int ma = Integer.parseInt(v[0]), mi = Integer.parseInt(v[1]);
        return ma > major || ma == major && mi >= minor;
    }

    private static boolean kernelSymbol(String name) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/kallsyms"))) {
            return lines.anyMatch(l -> l.endsWith(" " + name));
        }
    }
}
