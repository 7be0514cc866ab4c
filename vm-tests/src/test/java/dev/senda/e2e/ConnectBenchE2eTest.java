package dev.senda.e2e;

import dev.senda.testbed.bench.ConnectBench;
import dev.senda.testbed.bench.ConnectBench.Mode;
import dev.senda.bench.api.Row;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-to-end connect benchmark in its short form (50 Services x 10 endpoints, 300 connections
 * per mode), so it cannot rot: every datapath connects through the last Service's VIP on every
 * measured connection (the bench itself fails otherwise, and checks Senda's counters for the path),
 * and every figure is a positive number. The figures are printed, not judged: at this size and on
 * a shared machine they say nothing about scale.
 */
@Tag("privileged")
class ConnectBenchE2eTest {

    @Test
    @DisplayName("every datapath connects through a Service VIP and yields positive figures (short form)")
    void shortForm() throws Exception {
        Privileged.requireRoot();
        ConnectBench.Options options = ConnectBench.Options.shortForm(Privileged.logDir("ConnectBenchE2eTest"));
        List<Row> rows = ConnectBench.run(options, System.out::println);
        System.out.print(ConnectBench.table(rows));

        Set<String> cases = rows.stream().map(Row::caseName).collect(Collectors.toSet());
        Set<String> expected = Arrays.stream(Mode.values()).map(m -> m.id() + "/50svc").collect(Collectors.toSet());
        assertEquals(expected, cases, "one case per mode");
        for (String c : expected) {
            Set<String> metrics = rows.stream().filter(r -> r.caseName().equals(c)).map(Row::metric).collect(Collectors.toSet());
            Set<String> want = c.startsWith(Mode.DIRECT.id() + "/")
                    ? Set.of("connect_p50", "connect_p99", "connections_per_s")
                    : Set.of("connect_p50", "connect_p99", "connections_per_s", "cold_load", "cold_load_cpu");
            assertEquals(want, metrics, c);
        }
        for (Row r : rows) {
            assertEquals(ConnectBench.SUITE, r.suite());
            assertTrue(r.value() > 0 && Double.isFinite(r.value()), "not a positive figure: " + r);
        }
    }
}
