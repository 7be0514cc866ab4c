package dev.senda.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The real Senda agent as a separate process inside a testbed's node namespace
 * ({@code nsenter --net=/run/netns/<node> java ... dev.senda.cli.Main agent ...}), started with the
 * same JDK and class path as this JVM.
 *
 * <p>/healthz and /metrics are bound to the node namespace's loopback (as a node-local agent would
 * be) and read from inside that namespace with {@link NetnsHttp}. The node's name, pin root and cgroup
 * come from its {@link Testbed}, so the nodes of a {@link Cluster} each run their own agent at once. {@link #close()} sends SIGTERM
 * (the agent leaves the datapath in place) and then always runs {@code senda cleanup} with the same
 * --bpffs-root and --cgroup-root, so nothing stays attached or pinned.
 */
public final class AgentProcess implements AutoCloseable {
    /** Ports inside the node namespace; every node namespace has its own loopback, so fixed ports never clash. */
    public static final int HEALTHZ_PORT = 10256;
    public static final int METRICS_PORT = 10249;

    private final Testbed testbed;
    private final Settings settings;
    private final Process process;
    private boolean stopped;
    private boolean cleanedUp;
    private Exec.Result cleanupResult;

    /**
     * How to run the agent.
     *
     * @param source    {@code --kubeconfig PATH} or {@code --source dir:PATH} arguments
     * @param socketLb  {@code --socket-lb}
     * @param bpffsRoot {@code --bpffs-root} (unique per run and node, e.g. {@link Testbed#bpffsRoot()})
     * @param logFile   where the agent's stdout and stderr go
     * @param extraArgs anything else to append
     */
    public record Settings(List<String> source, boolean socketLb, Path bpffsRoot, Path logFile, List<String> extraArgs) {
        public Settings {
            source = List.copyOf(source);
            extraArgs = List.copyOf(extraArgs);
            Objects.requireNonNull(bpffsRoot);
            Objects.requireNonNull(logFile);
        }

        /** The agent reading a kubeconfig, with this testbed's defaults. */
        public static Settings kubeconfig(Testbed tb, Path kubeconfig, boolean socketLb, Path logFile) {
            return new Settings(List.of("--kubeconfig", kubeconfig.toString()), socketLb, defaultBpffsRoot(tb), logFile, List.of());
        }

        /** The agent reading YAML files from a directory. */
        public static Settings directory(Testbed tb, Path dir, boolean socketLb, Path logFile) {
            return new Settings(List.of("--source", "dir:" + dir), socketLb, defaultBpffsRoot(tb), logFile, List.of());
        }
    }

    /** The testbed's {@link Testbed#bpffsRoot()}: a pin root no other run, nor another node of a cluster, uses. */
    public static Path defaultBpffsRoot(Testbed tb) {
        return tb.bpffsRoot();
    }

    private AgentProcess(Testbed testbed, Settings settings, Process process) {
        this.testbed = testbed;
        this.settings = settings;
        this.process = process;
    }

    /**
     * Starts the agent and waits until /healthz answers 200.
     *
     * @throws IOException when it exits or is not healthy within {@code readyBound}; the message
     *                     carries the end of its log (the process is then stopped and cleaned up)
     */
    public static AgentProcess start(Testbed tb, Settings settings, Duration readyBound) throws IOException {
        AgentProcess agent = launch(tb, settings);
        try {
            agent.awaitHealthy(readyBound);
        } catch (IOException | RuntimeException e) {
            try {
                agent.close();
            } catch (RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        return agent;
    }

    /**
     * The agent's {@code --state-dir} (its snapshot of its inputs): one per node of a run, kept across
     * the agents started on that node (a restarted or "rebooted" agent finds its predecessor's
     * snapshot), beside the logs, so no run reads another's and nothing lands in /var/lib/senda.
     */
    public static Path stateDir(Testbed tb) {
        return tb.logDir().toAbsolutePath().resolve(tb.nodeName() + "-state");
    }

    /**
     * Starts the agent without waiting for anything (for tests of an agent that cannot be healthy yet,
     * e.g. one whose API server does not answer); stopped and cleaned up with its testbed.
     */
    public static AgentProcess launch(Testbed tb, Settings settings) throws IOException {
        return launch(tb, settings, false);
    }

    /**
     * Like {@link #launch(Testbed, Settings)}; with {@code inCgroup} the agent runs in the testbed's
     * cgroup (the shell writes its PID to cgroup.procs, then execs), so socket LB translates its own
     * connections too, as for a node process that reaches its API server through a Service.
     */
    public static AgentProcess launch(Testbed tb, Settings settings, boolean inCgroup) throws IOException {
        List<String> prefix = new ArrayList<>();
        if (inCgroup) {
            prefix.addAll(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", tb.cgroupDir().resolve("cgroup.procs").toString()));
        }
        prefix.addAll(javaCommand(tb, "agent"));
        return launchCommand(tb, settings, prefix);
    }

    /**
     * Like {@link #launch(Testbed, Settings)}, with the JVM given: {@code jvm} is everything before
     * {@code agent} (the java binary, its options, the class path and {@code dev.senda.cli.Main}), so
     * the agent runs as the launcher or the image runs it (the start benchmark). The command is
     * prefixed with {@code nsenter --net=<node>}, which execs the JVM: {@link #pid()} is the JVM's.
     */
    public static AgentProcess launchWithJvm(Testbed tb, Settings settings, List<String> jvm) throws IOException {
        List<String> prefix = new ArrayList<>(List.of("nsenter", "--net=" + tb.nodeNetnsPath()));
        prefix.addAll(jvm);
        prefix.add("agent");
        return launchCommand(tb, settings, prefix);
    }

    private static AgentProcess launchCommand(Testbed tb, Settings settings, List<String> prefix) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(settings.source());
        cmd.addAll(List.of(
                "--node-name", tb.nodeName(),
                "--bpffs-root", settings.bpffsRoot().toString(),
                "--cgroup-root", tb.cgroupDir().toString(),
                "--socket-lb=" + settings.socketLb(),
                "--pod-devices", tb.podDeviceGlob(),
                "--healthz-bind", "127.0.0.1:" + HEALTHZ_PORT,
                "--metrics-bind", "127.0.0.1:" + METRICS_PORT,
                "--state-dir", stateDir(tb).toString()));
        cmd.addAll(settings.extraArgs());
        Files.createDirectories(settings.logFile().toAbsolutePath().getParent());
        Files.writeString(settings.logFile(), "# " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process p = tb.processes().track(new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Exec.nullFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.logFile().toFile()))
                .redirectErrorStream(true)
                .start());
        AgentProcess agent = new AgentProcess(tb, settings, p);
        tb.closeFirst(agent); // stop + cleanup while the node still exists, even from the shutdown hook
        return agent;
    }

    /**
     * {@code nsenter --net=<node> <java> --enable-native-access=ALL-UNNAMED -cp <this JVM's class path>
     * dev.senda.cli.Main <args>}: any Senda subcommand as the agent would see the node.
     */
    public static List<String> javaCommand(Testbed tb, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + tb.nodeNetnsPath(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.senda.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Polls /healthz (every 100 ms, at most {@code bound}) until it answers 200. */
    public void awaitHealthy(Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("agent exited with " + process.exitValue() + " before /healthz answered 200\n" + logTail(60));
            }
            try {
                NetnsHttp.Response r = healthz();
                if (r.status() == 200) return;
                last = r.status() + " " + r.body().strip();
            } catch (IOException e) {
                last = e.getMessage();
            }
            Cgroup2.sleep(100);
        }
        throw new IOException("agent /healthz not 200 within " + bound.toMillis() + " ms (last: " + last + ")\n" + logTail(60));
    }

    /** One GET of /healthz inside the node namespace. */
    public NetnsHttp.Response healthz() throws IOException {
        return NetnsHttp.get(testbed.nodeNetnsPath(), "127.0.0.1", HEALTHZ_PORT, "/healthz", Duration.ofSeconds(2));
    }

    /** The Prometheus text of /metrics. */
    public String metrics() throws IOException {
        NetnsHttp.Response r = NetnsHttp.get(testbed.nodeNetnsPath(), "127.0.0.1", METRICS_PORT, "/metrics", Duration.ofSeconds(5));
        if (r.status() != 200) throw new IOException("/metrics answered " + r.status());
        return r.body();
    }

    /** Runs another Senda subcommand in the node namespace (e.g. {@code bpf lb list -o json}), bounded to 60 s. */
    public Exec.Result cli(String... args) throws IOException {
        return Exec.run(Duration.ofSeconds(60), javaCommand(testbed, args).toArray(String[]::new));
    }

    /** {@code bpf lb list --bpffs-root <root> [more]}. */
    public Exec.Result lbList(String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("bpf", "lb", "list", "--bpffs-root", settings.bpffsRoot().toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * SIGTERM, then waits (at most 20 s; SIGKILL after that) for the agent to exit. The datapath is
     * left in place: forwarding must continue without the agent.
     *
     * @return the agent's exit code
     */
    public synchronized int stop() {
        if (stopped) return process.isAlive() ? -1 : process.exitValue();
        stopped = true;
        return testbed.processes().stop(process, Duration.ofSeconds(20));
    }

    /**
     * SIGKILL to the agent's PID (as an OOM kill or a crash: no shutdown hook, no last snapshot),
     * then waits at most 10 s for it to exit. The pinned maps and links stay: forwarding must
     * continue. A later {@link #cleanup()} still runs.
     *
     * @return the agent's exit code (137 for a SIGKILL), or -1 if it did not exit
     */
    public synchronized int kill() throws IOException {
        if (stopped) return process.isAlive() ? -1 : process.exitValue();
        stopped = true;
        // by PID: nsenter execs the JVM (no --fork), so this is the agent itself
        Exec.Result r = Exec.run(Duration.ofSeconds(5), "kill", "-KILL", Long.toString(process.pid()));
        if (!r.ok()) throw new IOException("kill -KILL " + process.pid() + ": " + r);
        return testbed.processes().stop(process, Duration.ofSeconds(10));
    }

    /** {@code senda cleanup --bpffs-root ... --cgroup-root ...} (once), after stopping the agent if needed. */
    public synchronized Exec.Result cleanup() throws IOException {
        stop();
        if (!cleanedUp) {
            cleanedUp = true;
            cleanupResult = cli("cleanup", "--bpffs-root", settings.bpffsRoot().toString(),
                    "--cgroup-root", testbed.cgroupDir().toString());
            Files.writeString(settings.logFile(), "# cleanup exited " + cleanupResult.exitCode() + "\n"
                    + cleanupResult.stdout() + cleanupResult.stderr(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        return cleanupResult;
    }

    @Override
    public String toString() {
        return "agent pid " + process.pid() + " in " + testbed.nodeNetns();
    }

    /** Every line of the agent's log so far (empty when it has none yet). */
    public List<String> logLines() {
        try {
            return Files.readAllLines(settings.logFile(), StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("read " + settings.logFile(), e);
        }
    }

    /** The last {@code lines} lines of the agent's log. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(settings.logFile(), StandardCharsets.UTF_8);
            return "---- " + settings.logFile() + " (last " + lines + " lines) ----\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the agent and runs cleanup.
     *
     * @throws IllegalStateException when cleanup fails (its output is in the message)
     */
    @Override
    public void close() {
        try {
            Exec.Result r = cleanup();
            if (!r.ok()) throw new IllegalStateException("senda cleanup exited " + r.exitCode() + ": " + r.stderr().strip());
        } catch (IOException e) {
            throw new IllegalStateException("senda cleanup could not run: " + e.getMessage(), e);
        }
    }
}
