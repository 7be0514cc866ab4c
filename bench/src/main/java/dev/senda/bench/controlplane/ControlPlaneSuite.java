package dev.senda.bench.controlplane;

import dev.senda.bench.Workload;
import dev.senda.bench.api.BenchMode;
import dev.senda.bench.api.BenchSuite;
import dev.senda.bench.api.Row;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Desired state and the reconciler's apply and diff at 1k / 10k / 100k endpoints ({@link Workload}:
 * 100 / 1,000 / 10,000 Services x 10), run by JMH from this process ({@link Runner}): one forked JVM
 * (the agent's collector, {@code -XX:+UseSerialGC}), average time per operation. Rows: one per
 * benchmark and size, metric {@code mean} in ms, plus JMH's 99.9 % confidence half-width as
 * {@code error} where JMH has one.
 */
public final class ControlPlaneSuite implements BenchSuite {
    public static final String NAME = "control-plane";

    /** What each benchmark method is called in the table. */
    private static final Map<String, String> LABELS = Map.of(
            "desiredState", "desired state",
            "applyCold", "apply into empty tables",
            "applyNoChange", "diff, nothing changed",
            "oneEndpointChange", "one endpoint change");
    private static final List<String> ORDER = List.of("desiredState", "applyCold", "applyNoChange", "oneEndpointChange");

    @Override
    public String name() {
        return NAME;
    }

    /** Services per size: the 1k / 10k / 100k endpoints, or one tiny size. */
    static int[] sizes(BenchMode mode) {
        return mode == BenchMode.FULL ? new int[] {100, 1_000, 10_000} : new int[] {10};
    }

    @Override
    public List<Row> run(BenchMode mode) throws RunnerException {
        boolean full = mode == BenchMode.FULL;
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(ControlPlaneBenchmarks.class.getName()) + "\\.")
                .param("services", Arrays.stream(sizes(mode)).mapToObj(Integer::toString).toArray(String[]::new))
                .param("path", Arrays.stream(SyncPath.values()).map(Enum::name).toArray(String[]::new))
                .forks(1)
                .jvmArgs(forkArgs())
                .warmupIterations(full ? 3 : 1)
                .warmupTime(full ? TimeValue.seconds(1) : TimeValue.milliseconds(200))
                .measurementIterations(full ? 5 : 2)
                .measurementTime(full ? TimeValue.seconds(1) : TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.isEmpty()) throw new IllegalStateException("JMH ran no benchmark (is META-INF/BenchmarkList built?)");
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt((RunResult r) -> ORDER.indexOf(method(r)))
                .thenComparingInt(r -> Integer.parseInt(r.getParams().getParam("services")))
                .thenComparing(r -> String.valueOf(r.getParams().getParam("path"))));
        List<Row> rows = new ArrayList<>();
        for (RunResult r : sorted) {
            String method = method(r);
            int services = Integer.parseInt(r.getParams().getParam("services"));
            String path = method.equals("oneEndpointChange") ? ", " + r.getParams().getParam("path").toLowerCase() + " path" : "";
            String name = LABELS.getOrDefault(method, method) + path + ", " + String.format("%,d", services * Workload.ENDPOINTS_PER_SERVICE)
                    + " endpoints";
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            rows.add(new Row(NAME, name, "mean", score, "ms"));
            if (Double.isFinite(error) && error > 0) rows.add(new Row(NAME, name, "error (99.9%)", error, "ms"));
        }
        return rows;
    }

    /**
     * The forked JVM's flags: the agent's collector; on JDK 23+ JMH's own use of sun.misc.Unsafe
     * allowed, so its deprecation warning does not clutter the run.
     */
    static String[] forkArgs() {
        return Runtime.version().feature() >= 23
                ? new String[] {"-XX:+UseSerialGC", "--sun-misc-unsafe-memory-access=allow"}
                : new String[] {"-XX:+UseSerialGC"};
    }

    private static String method(RunResult r) {
        String benchmark = r.getParams().getBenchmark();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }
}
