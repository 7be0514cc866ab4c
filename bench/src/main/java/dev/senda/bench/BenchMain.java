package dev.senda.bench;

import dev.senda.bench.api.BenchMode;
import dev.senda.bench.api.BenchSuite;
import dev.senda.bench.api.Row;
import dev.senda.bench.controlplane.ControlPlaneSuite;
import dev.senda.bench.datapath.DatapathSuite;
import dev.senda.bench.maps.MapsSuite;
import dev.senda.testbed.bench.AgentStartBench;
import dev.senda.testbed.bench.ConnectBench;
import dev.senda.cli.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./senda bench [--short] [--json FILE] [--suite NAME...]}: runs the benchmark suites on this
 * node, prints one table of every figure on standard output and, with {@code --json}, writes the same
 * as JSON ({@link BenchReport}). Progress and failures go to standard error. A suite that fails is
 * reported and the others still run; the exit status is then 1. Needs root for the suites that load
 * BPF (everything but {@code control-plane}).
 */
@Command(name = "senda bench", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = BenchMain.Version.class,
        description = "Benchmarks Senda on this node and prints a table (README \"Benchmarks\" says how to read it).")
public final class BenchMain implements Callable<Integer> {

    @Option(names = "--short", description = "Every suite at tiny sizes, in well under a minute (what ./senda test runs).")
    boolean shortMode;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON to FILE.")
    Path json;

    @Option(names = "--suite", paramLabel = "NAME", arity = "1..*",
            description = "Run only these suites (default: all): ${COMPLETION-CANDIDATES}.",
            completionCandidates = SuiteNames.class)
    List<String> suiteNames = new ArrayList<>();

    private final PrintStream out;
    private final PrintStream err;
    private BenchReport report;

    public BenchMain() {
        this(System.out, System.err);
    }

    BenchMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Every suite, in the order they run. <b>The one place a suite is wired in</b>, one line each,
     * e.g. {@code BenchSuite.of("start", AgentStartBench::run)} for a suite written as a plain entry
     * point.
     */
    public static List<BenchSuite> suites() {
        return List.of(
                new ControlPlaneSuite(),
                new MapsSuite(),
                new DatapathSuite(),
                BenchSuite.of(ConnectBench.SUITE, ConnectBench::run),
                BenchSuite.of(AgentStartBench.SUITE, AgentStartBench::run));
    }

    /** {@code --version}: the build's version, as {@code senda --version} answers (the control plane's resource). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            try (java.io.InputStream in = BenchMain.class.getClassLoader().getResourceAsStream("dev/senda/cli/version.properties")) {
                java.util.Properties p = new java.util.Properties();
                if (in != null) p.load(in);
                return new String[] {"senda " + p.getProperty("version", "development")};
            }
        }
    }

    /** The names {@code --suite} accepts, in run order. */
    static final class SuiteNames extends ArrayList<String> {
        SuiteNames() {
            for (BenchSuite s : suites()) add(s.name());
        }
    }

    @Override
    public Integer call() throws Exception {
        // The suites drive the agent's classes, whose INFO lines (restores, ...) would bury the table.
        LogSetup.apply("warn", LogSetup.Format.TEXT);
        List<BenchSuite> selected = new ArrayList<>();
        for (BenchSuite s : suites()) {
            if (suiteNames.isEmpty() || suiteNames.contains(s.name())) selected.add(s);
        }
        List<String> unknown = suiteNames.stream().filter(n -> suites().stream().noneMatch(s -> s.name().equals(n))).toList();
        if (!unknown.isEmpty()) {
            err.println("senda bench: error: no suite " + String.join(", ", unknown) + " (suites: "
                    + String.join(", ", new SuiteNames()) + ")");
            return 2;
        }
        BenchMode mode = shortMode ? BenchMode.SHORT : BenchMode.FULL;
        Machine machine = Machine.thisOne();
        err.println("senda bench: " + mode.name().toLowerCase() + " run of " + selected.stream().map(BenchSuite::name).toList()
                + " on " + machine.summary());
        Instant started = Instant.now();
        List<Row> rows = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (BenchSuite suite : selected) {
            long t0 = System.nanoTime();
            err.println("senda bench: " + suite.name() + " ...");
            try {
                List<Row> got = suite.run(mode);
                for (Row r : got) {
                    if (!r.suite().equals(suite.name())) {
                        throw new IllegalStateException("suite " + suite.name() + " returned a row of suite " + r.suite());
                    }
                }
                if (got.isEmpty()) throw new IllegalStateException("suite " + suite.name() + " measured nothing");
                rows.addAll(got);
                err.printf("senda bench: %s done in %.1f s, %d rows%n", suite.name(), (System.nanoTime() - t0) / 1e9, got.size());
            } catch (Exception | LinkageError e) {
                String why = e.getClass().getSimpleName() + ": " + e.getMessage();
                failures.put(suite.name(), why);
                err.println("senda bench: " + suite.name() + " failed: " + why);
                if (Boolean.getBoolean("senda.bench.trace")) e.printStackTrace(err);
            }
        }
        report = new BenchReport(started, mode, machine, rows, failures);
        out.println("Senda benchmarks, " + mode.name().toLowerCase() + " run, " + started + ", " + machine.summary());
        out.print(report.table());
        out.flush();
        if (json != null) {
            report.writeJson(json);
            err.println("senda bench: wrote " + json);
        }
        if (!failures.isEmpty()) {
            err.println("senda bench: " + failures.size() + " suite(s) failed: " + String.join(", ", failures.keySet()));
            return 1;
        }
        return 0;
    }

    /** The report of the last {@link #call()}, for tests. */
    BenchReport report() {
        return report;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
