package dev.senda.cli;

import dev.senda.maps.TestSupport;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.PinRoot;
import dev.senda.maps.metrics.DatapathEvent;
import me.bechberger.ebpf.bpf.raw.Lib;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code senda bpf metrics} on a real pinned counters map. */
@Tag("privileged")
class BpfMetricsCommandPrivilegedTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void printsTheSummedCountersOfThePinnedMap() {
        try (PinRoot pins = PinRoot.create();
             BpfObject obj = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
            // 3 on the first possible CPU, 4 on the last (the same slot when there is one CPU)
            int cpus = dev.senda.maps.metrics.PossibleCpus.count();
            long[] perCpu = new long[cpus];
            perCpu[0] += 3;
            perCpu[cpus - 1] += 4;
            try (Arena arena = Arena.ofConfined()) {
                assertEquals(0, Lib.bpf_map_update_elem(obj.map("senda_metrics_v1").fd(),
                        arena.allocateFrom(ValueLayout.JAVA_INT, DatapathEvent.TC_HAIRPIN.index()),
                        arena.allocateFrom(ValueLayout.JAVA_LONG, perCpu), 0));
            }
            String root = pins.path().toString();

            String json = CliRun.stdout("bpf", "metrics", "--bpffs-root", root, "-o", "json");
            assertTrue(json.contains("\"tc_hairpin\": 7,"), json);
            assertTrue(json.contains("\"tc_reject_tcp\": 0,"), json);

            String table = CliRun.stdout("bpf", "metrics", "--bpffs-root", root);
            assertTrue(table.lines().anyMatch(l -> l.matches("tc_hairpin\\s+7  .*")), table);
        }
        assertEquals(1, Main.execute("bpf", "metrics", "--bpffs-root", tmp.resolve("no-agent-here").toString()),
                "no pinned map: an error, not an empty listing");
    }
}
