package dev.senda.testbed.bench;

import dev.senda.bench.api.BenchMode;
import dev.senda.bench.api.Row;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.NetnsHttp;
import dev.senda.testbed.Testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Agent start benchmark: the real agent, started the way the launcher starts it ({@link AgentJvm}),
 * against a directory of N Services x E endpoints ({@link ServiceFiles}) in a scratch node namespace
 * with its own pin root ({@link Testbed}); every start is cold (the previous run's pins are removed), and
 * each is followed by a restart on the pins it left ({@link #startAndRestart}).
 *
 * <p>Per size and JVM variant: {@code start_to_healthz} (from just before the process is started to the
 * first /healthz 200, i.e. every Service programmed; polled every {@value #POLL_MS} ms) as the median
 * of the runs and of the first run alone (where a class-data archive is written on first use, that run
 * writes it); {@code cpu_to_healthz}, the agent's CPU time (user + system) at that moment, which a busy
 * machine inflates less than wall time; and the agent's {@code VmRSS} and {@code VmHWM} from
 * /proc/PID/status then; {@code restart_to_healthz} and {@code restart_cpu_to_healthz}, the same of the
 * restarts (medians). Beside each start's log, {@code NAME.threads} says how that CPU time was spread over
 * the agent's threads at that moment ({@link ThreadCpu}: the compiler, the collector, the start's thread,
 * the sync).
 */
public final class AgentStartBench {
    public static final String SUITE = "agent";
    static final int POLL_MS = 10;

    /**
     * A JVM configuration to start the agent with.
     *
     * @param name         the case's prefix in the rows
     * @param classDataArchive with the launcher's class-data archive of the agent's classes (one per
     *                     variant in the work directory: the variant's first run writes it at its exit)
     * @param options      JVM options after the launcher's (later ones win)
     */
    public record Variant(String name, boolean classDataArchive, List<String> options) {
        public Variant {
            Objects.requireNonNull(name, "name");
            options = List.copyOf(options);
        }

        /** Exactly as the launcher runs the agent. */
        public static final Variant LAUNCHER = new Variant("launcher", true, List.of());
        /** As the launcher, without the archive of the agent's classes. */
        public static final Variant NO_ARCHIVE = new Variant("no-archive", false, List.of());
    }

    /**
     * What to run.
     *
     * @param services   the sizes (Services per run)
     * @param endpoints  endpoints per Service
     * @param runs       starts per size and variant, each followed by its restart (at least 1)
     * @param variants   JVM configurations, with distinct names (each names its rows and its archive)
     * @param readyBound how long one start may take to /healthz 200
     * @param workDir    where the Service files and the agents' logs go (created)
     */
    public record Options(List<Integer> services, int endpoints, int runs, List<Variant> variants, Duration readyBound,
                          Path workDir) {
        public Options {
            services = List.copyOf(services);
            variants = List.copyOf(variants);
            if (services.isEmpty() || variants.isEmpty() || runs < 1 || endpoints < 1) {
                throw new IllegalArgumentException("need sizes, variants, runs >= 1 and endpoints >= 1");
            }
            if (variants.stream().map(Variant::name).distinct().count() < variants.size()) {
                throw new IllegalArgumentException("two variants share a name: " + variants);
            }
            Objects.requireNonNull(readyBound, "readyBound");
            Objects.requireNonNull(workDir, "workDir");
        }

        /**
         * The full run: 100, 1,000 and 10,000 Services x 10 endpoints, 3 starts and their restarts each, with
         * and without the class-data archive.
         */
        public static Options full(Path workDir) {
            return new Options(List.of(100, 1_000, 10_000), 10, 3, List.of(Variant.LAUNCHER, Variant.NO_ARCHIVE), Duration.ofSeconds(300), workDir);
        }
    }

    private AgentStartBench() {
    }

    /**
     * The suite of {@code ./senda bench}: {@link Options#full} in FULL mode; in SHORT, one start and its
     * restart at 100 Services as the launcher runs the agent.
     */
    public static List<Row> run(BenchMode mode) throws IOException {
        try (ScratchDir work = ScratchDir.create("senda-bench-agent-")) {
            return run(mode == BenchMode.FULL ? Options.full(work.path())
                    : new Options(List.of(100), 10, 1, List.of(Variant.LAUNCHER), Duration.ofSeconds(300), work.path()));
        }
    }

    /**
     * Runs every size and variant; needs root (namespaces, BPF) and a built control plane. The variants take
     * turns, run by run (run 1 of each, then run 2 of each, ...), so that a machine that speeds up or slows
     * down during the bench (other work, caches warming) weighs on each variant alike: run in blocks, the
     * variant that went first was the slower one in 7 of 9 comparisons of two variants (README).
     */
    public static List<Row> run(Options o) throws IOException {
        List<Row> rows = new ArrayList<>();
        Files.createDirectories(o.workDir());
        try (Testbed tb = Testbed.builder().pods("p").logDir(o.workDir().resolve("logs")).build()) {
            for (int services : o.services()) {
                Path dir = o.workDir().resolve("services-" + services);
                if (!Files.isDirectory(dir)) ServiceFiles.write(dir, services, o.endpoints());
                Map<Variant, List<Run>> runs = new LinkedHashMap<>();
                for (Turn t : turns(o.runs(), o.variants())) {
                    runs.computeIfAbsent(t.variant(), k -> new ArrayList<>())
                            .add(measureOnce(tb, dir, services, t.variant(), t.run(), o));
                }
                runs.forEach((v, its) -> rows.addAll(rows(v, services, its)));
            }
        }
        return rows;
    }

    /** Run {@code run} (from 0) of {@code variant}. */
    record Turn(int run, Variant variant) {
    }

    /** The order of the runs: run 0 of each variant in the given order, then run 1 of each, and so on. */
    static List<Turn> turns(int runs, List<Variant> variants) {
        List<Turn> turns = new ArrayList<>(runs * variants.size());
        for (int run = 0; run < runs; run++) {
            for (Variant v : variants) turns.add(new Turn(run, v));
        }
        return turns;
    }

    /** One measured start. */
    record Start(double millis, double cpuMillis, double rssMiB, double hwmMiB) {
    }

    /** One run: a cold start and the restart on the pins it left. */
    record Run(Start cold, Start restart) {
    }

    /** Run {@code run} of variant {@code v}: a cold start and its restart. */
    private static Run measureOnce(Testbed tb, Path dir, int services, Variant v, int run, Options o)
            throws IOException {
        Optional<Path> archive = v.classDataArchive() ? Optional.of(o.workDir().resolve(v.name() + ".jsa")) : Optional.empty();
        AgentJvm jvm = AgentJvm.ofThisJdk(archive, v.options());
        Path logs = o.workDir().resolve("logs");
        String stem = "agent-" + v.name() + "-" + services + "-" + run;
        return startAndRestart(tb, jvm, dir, services, logs.resolve(stem + ".log"),
                logs.resolve(stem + "-restart.log"), o.readyBound());
    }

    /** A variant's rows from its runs, in run order. */
    private static List<Row> rows(Variant v, int services, List<Run> runs) {
        List<Start> starts = runs.stream().map(Run::cold).toList();
        List<Start> restarts = runs.stream().map(Run::restart).toList();
        String name = v.name() + "/" + services;
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(SUITE, name, "start_to_healthz", median(starts.stream().mapToDouble(Start::millis).toArray()), "ms"));
        rows.add(new Row(SUITE, name, "start_to_healthz_first", starts.getFirst().millis(), "ms"));
        rows.add(new Row(SUITE, name, "cpu_to_healthz", median(starts.stream().mapToDouble(Start::cpuMillis).toArray()), "ms"));
        rows.add(new Row(SUITE, name, "vm_rss", median(starts.stream().mapToDouble(Start::rssMiB).toArray()), "MiB"));
        rows.add(new Row(SUITE, name, "vm_hwm", median(starts.stream().mapToDouble(Start::hwmMiB).toArray()), "MiB"));
        rows.add(new Row(SUITE, name, "restart_to_healthz", median(restarts.stream().mapToDouble(Start::millis).toArray()), "ms"));
        rows.add(new Row(SUITE, name, "restart_cpu_to_healthz", median(restarts.stream().mapToDouble(Start::cpuMillis).toArray()), "ms"));
        return rows;
    }

    /**
     * A cold start, then a restart on what it left: the first agent is stopped (SIGTERM, as a rolling update
     * stops it; its pinned maps and programs stay, as they do after a crash) and a second one started on the
     * same pins, which reuses the maps, reads back what they hold and writes only differences (none here).
     * The first agent's close runs {@code senda cleanup} once more after the second's: it finds nothing left
     * ("removed 0 map pins" at the end of the first log).
     */
    private static Run startAndRestart(Testbed tb, AgentJvm jvm, Path dir, int services, Path log, Path restartLog,
                                           Duration bound) throws IOException {
        long coldT0 = System.nanoTime();
        try (AgentProcess first = AgentProcess.launchWithJvm(tb, AgentProcess.Settings.directory(tb, dir, false, log),
                jvm.command())) {
            Start cold = untilHealthy(tb, first, coldT0, bound, threadsFile(log));
            int exit = first.stop();
            if (exit != 0) throw new IOException("agent exited " + exit + " on SIGTERM\n" + first.logTail(40));
            long t0 = System.nanoTime();
            try (AgentProcess second = AgentProcess.launchWithJvm(tb,
                    AgentProcess.Settings.directory(tb, dir, false, restartLog), jvm.command())) {
                Start restart = untilHealthy(tb, second, t0, bound, threadsFile(restartLog));
                requireRestored(restartLog, services);
                return new Run(cold, restart);
            }
        }
    }

    private static final java.util.regex.Pattern RESTORED =
            java.util.regex.Pattern.compile("restored from pinned maps: RestoreResult\\[frontends=(\\d+)");

    /**
     * Refuses a restart that did not find the first start's maps (then it measured a second cold start):
     * its log must say it restored at least one frontend per Service.
     */
    static void requireRestored(Path log, int services) throws IOException {
        java.util.regex.Matcher m = RESTORED.matcher(Files.readString(log, StandardCharsets.UTF_8));
        int frontends = -1;
        while (m.find()) frontends = Integer.parseInt(m.group(1)); // the last: a log is appended to
        if (frontends < services) {
            throw new IOException("the restart restored " + (frontends < 0 ? "nothing" : frontends + " frontends")
                    + " from the pinned maps, not the " + services + " Services' (" + log + ")");
        }
    }

    /** Where a start's per-thread CPU times are written: beside its log, {@code NAME.threads}. */
    static Path threadsFile(Path log) {
        String name = log.getFileName().toString();
        return log.resolveSibling((name.endsWith(".log") ? name.substring(0, name.length() - 4) : name) + ".threads");
    }

    /**
     * Polls the agent's /healthz until 200; times from {@code t0} (taken just before the launch). Then
     * writes the CPU time each of the agent's threads had taken to {@code threads} ({@link ThreadCpu}), to
     * read where a start's CPU went (compilers, collector, the source's readers, the start's thread).
     */
    private static Start untilHealthy(Testbed tb, AgentProcess agent, long t0, Duration bound, Path threads)
            throws IOException {
        long deadline = t0 + bound.toNanos();
        String last = "no answer";
        while (true) {
            if (!agent.isAlive()) throw new IOException("agent exited before /healthz 200\n" + agent.logTail(40));
            try {
                NetnsHttp.Response r = NetnsHttp.get(tb.nodeNetnsPath(), "127.0.0.1", AgentProcess.HEALTHZ_PORT,
                        "/healthz", Duration.ofSeconds(2));
                if (r.status() == 200) break;
                last = r.status() + " " + r.body().strip();
            } catch (IOException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("/healthz not 200 within " + bound.toMillis() + " ms (last: " + last + ")\n"
                        + agent.logTail(40));
            }
            sleep(POLL_MS);
        }
        double millis = (System.nanoTime() - t0) / 1e6;
        List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(agent.pid()), "status"),
                StandardCharsets.UTF_8);
        String stat = Files.readString(Path.of("/proc", Long.toString(agent.pid()), "stat"), StandardCharsets.US_ASCII);
        Files.writeString(threads, ThreadCpu.table(ThreadCpu.of(agent.pid())), StandardCharsets.UTF_8);
        return new Start(millis, cpuMillis(stat), statusMiB(status, "VmRSS"), statusMiB(status, "VmHWM"));
    }

    /** A {@code kB} field of /proc/PID/status in MiB. */
    static double statusMiB(List<String> status, String field) throws IOException {
        for (String line : status) {
            if (line.startsWith(field + ":")) {
                String[] f = line.substring(field.length() + 1).trim().split("\\s+");
                return Long.parseLong(f[0]) / 1024.0;
            }
        }
        throw new IOException("no " + field + " in /proc/PID/status");
    }

    /**
     * User plus system CPU time of all the process's threads from /proc/PID/stat (fields 14 and 15, in
     * clock ticks of 10 ms on Linux: USER_HZ is 100 on every architecture the agent runs on). On a
     * shared machine wall time includes waiting for a core; CPU time does not.
     */
    public static double cpuMillis(String stat) throws IOException {
        // the command name (field 2) may hold spaces and parentheses: count from the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        if (f.length < 13) throw new IOException("short /proc/PID/stat: " + stat);
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * By hand: {@code AgentStartBench [SIZES] [RUNS] [NAME=OPTION,OPTION ...]}, e.g.
     * {@code 100,1000,10000 3 launcher= xmx128=-Xmx128m no-archive=nocds}; prints the rows as a table.
     * The option {@code nocds} leaves the class-data archive out.
     */
    public static void main(String[] args) throws IOException {
        List<Integer> sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).map(Integer::parseInt).toList()
                : List.of(100, 1_000, 10_000);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Variant> variants = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            List<String> opts = new ArrayList<>(List.of(args[i].substring(eq + 1).split(",")));
            opts.removeIf(String::isEmpty);
            boolean archive = !opts.remove("nocds");
            variants.add(new Variant(args[i].substring(0, eq), archive, opts));
        }
        if (variants.isEmpty()) variants.add(Variant.LAUNCHER);
        Path work = Files.createTempDirectory("senda-agent-start-");
        for (Row r : run(new Options(sizes, 10, runs, variants, Duration.ofSeconds(300), work))) {
            System.out.println(String.format("%-6s %-28s %-22s %10.1f %s", r.suite(), r.caseName(), r.metric(), r.value(), r.unit()));
        }
        System.err.println("agent logs and Service files: " + work);
    }
}
