package dev.senda.e2e;

import dev.senda.testbed.bench.AgentStartBench;
import dev.senda.bench.api.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent start benchmark in short form (100 Services x 10 endpoints, one start and its restart on the
 * pins it left, as the launcher runs the agent), so it cannot rot: both agents answer /healthz 200 with
 * them programmed, the restart restored them from the maps, and every figure is there and positive. Figures are reported, not held to a goal: this machine is shared.
 */
@Tag("privileged")
class AgentStartBenchTest {
    @Test
    void theAgentStartsAsTheLauncherRunsItAndReportsItsStartTimeAndMemory() throws Exception {
        Privileged.requireRoot();
        var work = Files.createDirectories(Privileged.logDir(getClass().getSimpleName()));
        List<Row> rows = AgentStartBench.run(new AgentStartBench.Options(List.of(100), 10, 1,
                List.of(AgentStartBench.Variant.LAUNCHER), Duration.ofSeconds(120), Files.createTempDirectory(work, "run-")));
        rows.forEach(r -> E2eNode.log(r.toString()));

        Map<String, Row> byMetric = rows.stream().collect(Collectors.toMap(Row::metric, r -> r));
        assertEquals(List.of("cpu_to_healthz", "restart_cpu_to_healthz", "restart_to_healthz", "start_to_healthz",
                        "start_to_healthz_first", "vm_hwm", "vm_rss"),
                byMetric.keySet().stream().sorted().toList());
        for (Row r : rows) {
            assertEquals("agent", r.suite());
            assertEquals("launcher/100", r.caseName());
            assertTrue(r.value() > 0, r.toString());
        }
    }
}
