package dev.senda.maps.metrics;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;

import dev.senda.maps.TestSupport;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.BpfProgram;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.libbpf.Packets;
import dev.senda.maps.libbpf.PinRoot;
import dev.senda.maps.libbpf.TestRunResult;
import me.bechberger.ebpf.bpf.raw.Lib;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counters as the kernel keeps them: per CPU, bumped by the real tc program under test_run. */
@Tag("privileged")
class DatapathCountersPrivilegedTest {
    private static final int TC_ACT_REDIRECT = 7;
    private static final String TC_PROGRAM = "senda_tc_from_pod";

    @TempDir
    Path tmp;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    private static IpAddress ip(String literal) {
        return IpAddress.parse(literal).orElseThrow();
    }

    @Test
    void aTcpSynToAServiceWithoutBackendsCountsOneRejectPerRun() throws Exception {
        final int runs = 5;
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            // A frontend whose header says zero backends, programmed as the reconciler does it.
            try (LbMaps lb = LbMaps.over(obj)) {
                lb.revNats().put(new RevNatKey(IpFamily.IPV4, 9), new RevNatValue(ip("10.96.0.11"), 80));
                lb.services().put(new ServiceKey(ip("10.96.0.11"), 80, Protocol.TCP, Scope.EXTERNAL, 0),
                        ServiceValue.header(9, 0, 0));
            }
            try (DatapathCounters counters = DatapathCounters.openPinned(pins.path())) {
                Map<DatapathEvent, Long> before = counters.readAll();
                BpfProgram tc = obj.program(TC_PROGRAM);
                byte[] syn = Packets.tcpSyn("10.244.1.2", 40000, "10.96.0.11", 80);
                // One run per call: with repeat > 1 the later runs would see the first run's RST.
                for (int i = 0; i < runs; i++) {
                    TestRunResult r = tc.testRun(syn, 1);
                    assertEquals(TC_ACT_REDIRECT, r.retval(), "the SYN is answered with a RST (run " + i + ")");
                }
                Map<DatapathEvent, Long> after = counters.readAll();
                for (DatapathEvent e : DatapathEvent.values()) {
                    // the policy stage remembers the pod's flow once (an entry created, later runs refresh it)
                    long expected = e == DatapathEvent.TC_REJECT_TCP ? runs : e == DatapathEvent.POLCT_CREATED ? 1 : 0;
                    assertEquals(expected, after.get(e) - before.get(e), e.metricName() + " after " + runs + " runs");
                }
                assertEquals(after.get(DatapathEvent.TC_REJECT_TCP), counters.read(DatapathEvent.TC_REJECT_TCP));
            }
        }
    }

    @Test
    void valuesOfEveryPossibleCpuAreSummed() {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load();
             DatapathCounters counters = new DatapathCounters(obj.map(DatapathCounters.MAP_NAME))) {
            int cpus = counters.cpus();
            assertEquals(PossibleCpus.count(), cpus);
            long[] perCpu = new long[cpus];
            long sum = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                perCpu[cpu] = 1000L * (cpu + 1) + 7;
                sum += perCpu[cpu];
            }
            // User space writes a per-CPU entry as one 8-byte slot per possible CPU.
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, DatapathEvent.CT_FULL.index());
                MemorySegment values = arena.allocateFrom(ValueLayout.JAVA_LONG, perCpu);
                assertEquals(0, Lib.bpf_map_update_elem(obj.map(DatapathCounters.MAP_NAME).fd(), key, values, 0));
            }
            assertArrayEquals(perCpu, counters.readPerCpu(DatapathEvent.CT_FULL));
            assertEquals(sum, counters.read(DatapathEvent.CT_FULL));
            assertEquals(0, counters.read(DatapathEvent.TC_ERROR), "neighbouring indexes untouched");
            counters.close(); // an object's map: closing the reader leaves it usable
            assertTrue(obj.map(DatapathCounters.MAP_NAME).fd() > 0);
        }
    }

    @Test
    void refusesOtherMapsAndMissingPins() {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new DatapathCounters(obj.map("senda_backend4_v1")));
            assertTrue(e.getMessage().contains("senda_backend4_v1"), e.getMessage());
            LibbpfException missing = assertThrows(LibbpfException.class,
                    () -> DatapathCounters.openPinned(pins.path().resolve("elsewhere")));
            assertEquals(LibbpfException.ENOENT, missing.errno());
            assertTrue(missing.getMessage().contains("senda_metrics_v1"), missing.getMessage());
        }
    }
}
