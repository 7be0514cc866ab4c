package dev.senda.testbed.bench;

import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.Exec;
import dev.senda.testbed.NetnsHttp;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One datapath of one size, ready to measure: its own {@link Testbed} (node namespace, a client pod,
 * one backend pod per endpoint with an {@link AcceptCloseServer}), the datapath loaded into that
 * node (kube-proxy's rules, or a Senda agent), and a {@link ConnectClient} aimed at the last
 * Service's VIP (or, for {@link ConnectBench.Mode#DIRECT}, at a backend's own address).
 *
 * <p>Every lane has its own namespaces, so lanes coexist and no lane inherits another's netfilter
 * hooks or conntrack. {@link #close()} removes everything: the agent (stopped and cleaned up), the
 * client, the servers, and the namespaces, with which the netfilter tables go.
 */
final class Lane implements AutoCloseable {
    private final ConnectBench.Mode mode;
    private final String benchCase;
    private final Testbed tb;
    private final AgentProcess agent;
    private final OptionalDouble coldLoadSeconds;
    private final OptionalDouble coldLoadCpuSeconds;
    private final ConnectClient client;
    private double counterAtStart;

    private Lane(ConnectBench.Mode mode, String benchCase, Testbed tb, AgentProcess agent, Load load, ConnectClient client) {
        this.mode = mode;
        this.benchCase = benchCase;
        this.tb = tb;
        this.agent = agent;
        this.coldLoadSeconds = load == null ? OptionalDouble.empty() : OptionalDouble.of(load.wallSeconds());
        this.coldLoadCpuSeconds = load == null ? OptionalDouble.empty() : OptionalDouble.of(load.cpuSeconds());
        this.client = client;
    }

    /**
     * Builds the lane and loads its datapath, timing the load; on any failure removes what it built
     * and rethrows.
     */
    static Lane open(ConnectBench.Options options, ConnectBench.Mode mode, int n) throws IOException {
        String benchCase = mode.id() + "/" + n + "svc";
        Path dir = options.workDir().resolve(mode.id() + "-" + n);
        Files.createDirectories(dir);
        List<String> podNames = new ArrayList<>(List.of("client"));
        for (int i = 0; i < options.endpoints(); i++) podNames.add("b" + i);
        Testbed tb = Testbed.builder().pods(podNames.toArray(String[]::new)).logDir(dir).build();
        try {
            List<String> backendIps = new ArrayList<>();
            for (int i = 0; i < options.endpoints(); i++) {
                Pod b = tb.pod("b" + i);
                tb.closeFirst(AcceptCloseServer.start(b, BenchServices.TARGET_PORT));
                backendIps.add(b.ip());
            }
            BenchServices set = new BenchServices(n, backendIps);
            Load coldLoad = null;
            AgentProcess agent = null;
            switch (mode) {
                case DIRECT -> { }
                case IPTABLES_LEGACY, IPTABLES_NFT -> {
                    Path rules = dir.resolve("iptables-restore.txt");
                    Files.writeString(rules, IptablesRules.render(set), StandardCharsets.UTF_8);
                    String tool = mode == ConnectBench.Mode.IPTABLES_LEGACY ? "iptables-legacy-restore" : "iptables-nft-restore";
                    // kube-proxy's flags: wait for the xtables lock, leave other tables alone, keep counters
                    coldLoad = timedLoad(tb, loadBound(n), tool, "-w", "5", "--noflush", "--counters", rules.toString());
                }
                case NFTABLES -> {
                    Path rules = dir.resolve("nft.txt");
                    Files.writeString(rules, NftRules.render(set), StandardCharsets.UTF_8);
                    coldLoad = timedLoad(tb, loadBound(n), "nft", "-f", rules.toString());
                }
                case SENDA_SOCKET_LB, SENDA_TC -> {
                    Path yaml = dir.resolve("services");
                    set.writeYaml(yaml, tb.nodeName());
                    boolean socketLb = mode == ConnectBench.Mode.SENDA_SOCKET_LB;
                    long t0 = System.nanoTime();
                    agent = AgentProcess.launch(tb, AgentProcess.Settings.directory(tb, yaml, socketLb, dir.resolve("agent.log")));
                    awaitProgrammed(agent, n, loadBound(n));
                    double wall = (System.nanoTime() - t0) / 1e9;
                    // nsenter execs the JVM, so the PID is the agent's own
                    long pid = agent.pid();
                    double cpu = ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration())
                            .orElseThrow(() -> new IOException("no CPU time for agent PID " + pid)).toNanos() / 1e9;
                    coldLoad = new Load(wall, cpu);
                }
            }
            boolean direct = mode == ConnectBench.Mode.DIRECT;
            String ip = direct ? backendIps.getLast() : set.last().vip();
            int port = direct ? BenchServices.TARGET_PORT : BenchServices.PORT;
            // Every lane's client runs in its testbed's cgroup, so all compete for the CPU as alike as
            // cgroup scheduling allows; only the socket-LB lane's agent attaches programs to its cgroup.
            ConnectClient client = ConnectClient.start(tb, tb.pod("client"), ip, port, true, dir.resolve("client.stderr"));
            return new Lane(mode, benchCase, tb, agent, coldLoad, client);
        } catch (IOException | RuntimeException e) {
            try {
                tb.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    ConnectBench.Mode mode() {
        return mode;
    }

    String benchCase() {
        return benchCase;
    }

    OptionalDouble coldLoadSeconds() {
        return coldLoadSeconds;
    }

    /** CPU time (user + system) the load took: on a busy shared machine the steadier figure. */
    OptionalDouble coldLoadCpuSeconds() {
        return coldLoadCpuSeconds;
    }

    /** A cold load's wall time and the CPU time its process(es) used, in seconds. */
    record Load(double wallSeconds, double cpuSeconds) {
    }

    /** Unmeasured connections; then notes the path counter measured connections must raise. */
    void warmup(int count) throws IOException {
        client.batch(false, count, batchBound(count));
        counterAtStart = pathCounter();
    }

    /** Measured connections; fails at the first failed connection (with its error). */
    void run(int count) throws IOException {
        int failed = client.batch(true, count, batchBound(count));
        if (failed > 0) {
            ConnectStats s = client.report();
            throw new IOException(benchCase + ": " + failed + " connections failed (first: " + s.firstError() + ")");
        }
    }

    /**
     * The statistics of every measured connection, after checking that Senda's datapath counted
     * at least one socket-LB translation (or one per-packet DNAT) per connection: the traffic took
     * the path this lane claims to measure.
     */
    ConnectStats finish() throws IOException {
        ConnectStats s = client.report();
        if (agent != null) {
            double taken = pathCounter() - counterAtStart;
            if (taken < s.ok()) {
                throw new IOException(benchCase + ": the datapath counted " + (long) taken + " translations for " + s.ok()
                        + " measured connections: traffic did not take the measured path");
            }
        }
        return s;
    }

    /**
     * Socket LB: translations, one per connect(). Per-packet LB: packets DNATed, new flows and
     * known ones, since a SYN from a client port that an earlier (reset) connection used may still
     * find that flow's conntrack entry and be counted as known; every SYN is one or the other.
     */
    private double pathCounter() throws IOException {
        if (agent == null) return 0;
        String metrics = agent.metrics();
        if (mode == ConnectBench.Mode.SENDA_SOCKET_LB) return event(metrics, "sock_translated");
        return event(metrics, "tc_dnat_new") + event(metrics, "tc_dnat_ct");
    }

    private static double event(String metrics, String event) {
        return metric(metrics, "senda_datapath_events_total", "event=\"" + event + "\"").orElse(0);
    }

    private static Duration batchBound(int count) {
        return Duration.ofSeconds(60).plusMillis(10L * count);
    }

    /**
     * Generous bound for loading {@code n} Services on a shared machine: 60 s + 100 ms per Service
     * (iptables-nft-restore took 57 s for 1,000 here, on a busy machine).
     */
    private static Duration loadBound(int n) {
        return Duration.ofSeconds(60).plusMillis(100L * n);
    }

    /**
     * Runs a loader in the node namespace; returns its wall time and its CPU time. bash runs it and
     * then its {@code times} builtin prints the user and system time of its waited-for children
     * (getrusage, millisecond resolution): exactly the loader's, as nsenter execs it.
     */
    private static Load timedLoad(Testbed tb, Duration bound, String... argv) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "LC_ALL=C; \"$@\"; rc=$?; echo; times; exit $rc", "bash",
                "nsenter", "--net=" + tb.nodeNetnsPath()));
        cmd.addAll(List.of(argv));
        long t0 = System.nanoTime();
        Exec.Result r = Exec.run(bound, cmd.toArray(String[]::new));
        double seconds = (System.nanoTime() - t0) / 1e9;
        r.check();
        List<String> lines = r.stdout().lines().filter(l -> !l.isBlank()).toList();
        Matcher m = TIMES.matcher(lines.isEmpty() ? "" : lines.getLast());
        if (!m.matches()) throw new IOException("unexpected `times` output after the loader: " + r.stdout());
        double cpu = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
        return new Load(seconds, cpu);
    }

    /** bash's {@code times} line for the children: {@code <m>m<s.sss>s <m>m<s.sss>s} (user, system). */
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

    /**
     * Polls (every 20 ms, at most {@code bound}) until /healthz answers 200 and the agent reports
     * {@code n} programmed Services; fails at once when it reports frontends it could not program.
     */
    private static void awaitProgrammed(AgentProcess agent, int n, Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!agent.isAlive()) throw new IOException("agent exited before programming " + n + " Services\n" + agent.logTail(40));
            String metrics = null;
            try {
                NetnsHttp.Response h = agent.healthz();
                if (h.status() == 200) metrics = agent.metrics();
                else last = h.status() + " " + h.body().strip();
            } catch (IOException e) {
                last = e.getMessage();
            }
            if (metrics != null) {
                double programmed = metric(metrics, "senda_programmed_services", null).orElse(0);
                double unprogrammed = metric(metrics, "senda_frontends_unprogrammed", null).orElse(0);
                if (unprogrammed > 0) {
                    throw new IOException("the agent could not program " + (long) unprogrammed + " frontends\n" + agent.logTail(20));
                }
                if (programmed >= n) return;
                last = "healthy, " + (long) programmed + " of " + n + " Services programmed";
            }
            sleep(20);
        }
        throw new IOException("agent did not program " + n + " Services within " + bound.toSeconds() + " s (last: " + last + ")\n"
                + agent.logTail(40));
    }

    /** The value of a Prometheus text sample {@code name} (with exactly {@code labels} inside braces, if given). */
    static OptionalDouble metric(String text, String name, String labels) {
        String prefix = labels == null ? name + " " : name + "{" + labels + "} ";
        return text.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).strip().split(" ")[0]))
                .findFirst();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the agent (and cleans up its pins and attachments), the client and servers, and deletes the namespaces. */
    @Override
    public void close() {
        tb.close();
    }

    @Override
    public String toString() {
        return benchCase + " in " + tb.prefix();
    }
}
