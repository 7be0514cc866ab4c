package dev.senda.testbed.bench;

import dev.senda.bench.api.Row;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * End-to-end connect benchmark: new TCP connections from a client pod to the last of N ClusterIP
 * Services (10 endpoints each by default) through each datapath, in one run:
 * {@link Mode#DIRECT} (to a backend's own address, the floor), Senda's socket LB and per-packet
 * (tc) LB, and kube-proxy's rules for the same Services written as its iptables mode (loaded with
 * the legacy and the nf_tables iptables-restore) and its nftables mode writes them
 * ({@link IptablesRules}, {@link NftRules}).
 *
 * <p>Each (size, mode) is a {@link Lane}: its own {@link dev.senda.testbed.Testbed} (node namespace,
 * a client pod, one backend pod per endpoint running an {@link AcceptCloseServer} on
 * {@value BenchServices#TARGET_PORT}), so no mode inherits another's netfilter hooks or conntrack.
 * The lanes of a size are opened one after another (each load timed alone), then measured in
 * interleaved rounds, then closed: the rules, the agent's programs and maps, and the namespaces are
 * gone before the next size starts, also when a lane fails (the netfilter tables die with their
 * node namespace, which is never the host's).
 *
 * <p>Figures per (size, mode), as {@link Row}s: connect() p50 and p99 (microseconds) and new
 * connections per second from {@link ConnectClientMain}, and the cold-load time (seconds): for
 * kube-proxy's modes one {@code iptables-restore} / {@code nft -f} of the whole rule set (process
 * start to exit, with kube-proxy's flags); for Senda the agent process's start until /healthz
 * answers 200 and {@code senda_programmed_services} counts every Service. A run also checks that
 * the traffic took the path it measures (Senda's datapath counters show a socket-LB translation,
 * or a new per-packet flow, per measured connection) and fails otherwise.
 */
public final class ConnectBench {
    /** The {@link Row#suite()} of every row. */
    public static final String SUITE = "connect";

    /** Measured connections of each lane are spread over this many interleaved rounds. */
    static final int ROUNDS = 10;

    private ConnectBench() {
    }

    /** A datapath the benchmark measures. */
    public enum Mode {
        DIRECT("direct", "no Service: the client connects to a backend's own address"),
        SENDA_SOCKET_LB("senda-socket-lb", "Senda, socket LB (client in the agent's cgroup)"),
        SENDA_TC("senda-tc", "Senda, per-packet LB on tc (--socket-lb=false)"),
        IPTABLES_LEGACY("kube-proxy-iptables-legacy", "kube-proxy's iptables rules, iptables-legacy-restore"),
        IPTABLES_NFT("kube-proxy-iptables-nft", "kube-proxy's iptables rules, iptables-nft-restore (xtables over nf_tables)"),
        NFTABLES("kube-proxy-nftables", "kube-proxy's nftables rules, nft -f");

        private final String id;
        private final String description;

        Mode(String id, String description) {
            this.id = id;
            this.description = description;
        }

        /** The stable name used in {@link Row#caseName()}. */
        public String id() {
            return id;
        }

        public String description() {
            return description;
        }
    }

    /**
     * What to run.
     *
     * @param serviceCounts Services per size, each run in turn (the client connects to the last one)
     * @param endpoints     endpoints per Service (backend pods), 1..100
     * @param connections   measured connections per mode and size
     * @param warmup        connections before those, not measured
     * @param modes         datapaths to measure, in {@link Mode} order
     * @param workDir       rule files, YAML and logs of every (size, mode) go below it
     */
    public record Options(List<Integer> serviceCounts, int endpoints, int connections, int warmup, Set<Mode> modes, Path workDir) {
        public Options {
            serviceCounts = List.copyOf(serviceCounts);
            if (serviceCounts.isEmpty()) throw new IllegalArgumentException("no service counts");
            if (endpoints < 1 || endpoints > 100) throw new IllegalArgumentException("endpoints " + endpoints + " is not 1..100");
            if (connections < 1 || warmup < 0) throw new IllegalArgumentException("connections >= 1, warmup >= 0");
            modes = Set.copyOf(modes.isEmpty() ? EnumSet.allOf(Mode.class) : modes);
            Objects.requireNonNull(workDir);
        }

        /** The sizes: 1,000 and 5,000 Services x 10 endpoints, 5,000 connections per mode. */
        public static Options standard(Path workDir) {
            return new Options(List.of(1_000, 5_000), 10, 5_000, 500, EnumSet.allOf(Mode.class), workDir);
        }

        /** {@link #standard} plus 10,000 Services. */
        public static Options full(Path workDir) {
            return new Options(List.of(1_000, 5_000, 10_000), 10, 5_000, 500, EnumSet.allOf(Mode.class), workDir);
        }

        /** The short form for the test suite: 50 Services, 300 connections per mode. */
        public static Options shortForm(Path workDir) {
            return new Options(List.of(50), 10, 300, 100, EnumSet.allOf(Mode.class), workDir);
        }
    }

    /**
     * Runs every mode at every size (needs root, the iptables and nftables packages for their modes).
     *
     * @param progress told one line per finished (size, mode), e.g. for a console
     * @throws IOException when a mode cannot be set up, a connection fails, or traffic did not take
     *                     the measured path (the message names the mode and size)
     */
    public static List<Row> run(Options options, Consumer<String> progress) throws IOException {
        requireTools(options.modes());
        List<Row> rows = new ArrayList<>();
        for (int n : options.serviceCounts()) rows.addAll(runSize(options, n, progress));
        return rows;
    }

    /**
     * The suite of {@code ./senda bench}. FULL: 1,000 and 5,000 Services x 10 endpoints, 5,000
     * connections per mode, every mode but {@link Mode#IPTABLES_NFT}, whose rule load alone takes
     * minutes at these sizes on this machine kind (run it with {@code ConnectBenchMain --modes}). SHORT:
     * 10 Services, 50 connections, every mode, which only proves each datapath still connects
     * ({@code ConnectBenchE2eTest} is the thorough short run).
     */
    public static List<Row> run(dev.senda.bench.api.BenchMode mode) throws IOException {
        try (ScratchDir work = ScratchDir.create("senda-bench-connect-")) {
            return run(mode == dev.senda.bench.api.BenchMode.SHORT
                    ? new Options(List.of(10), 10, 50, 10, EnumSet.allOf(Mode.class), work.path())
                    : new Options(List.of(1_000, 5_000), 10, 5_000, 500,
                            EnumSet.complementOf(EnumSet.of(Mode.IPTABLES_NFT)), work.path()));
        }
    }

    /** {@link #run(Options, java.util.function.Consumer)} without progress lines. */
    public static List<Row> run(Options options) throws IOException {
        return run(options, line -> { });
    }

    /**
     * One size: every lane opened in turn (each cold load timed while the lanes already open sit
     * idle), warmed up, then measured in {@value #ROUNDS} interleaved rounds (the order rotating
     * each round), so a busy spell of a shared machine falls on every datapath alike; then every
     * lane closed, also on failure.
     */
    private static List<Row> runSize(Options options, int n, Consumer<String> progress) throws IOException {
        List<Lane> lanes = new ArrayList<>();
        IOException failure = null;
        List<Row> rows = new ArrayList<>();
        try {
            for (Mode mode : Mode.values()) {
                if (!options.modes().contains(mode)) continue;
                Lane lane = Lane.open(options, mode, n);
                lanes.add(lane);
                lane.coldLoadSeconds().ifPresent(s -> progress.accept(lane.benchCase() + ": loaded in " + format(s) + " s ("
                        + format(lane.coldLoadCpuSeconds().orElse(Double.NaN)) + " s CPU)"));
            }
            for (Lane lane : lanes) lane.warmup(options.warmup());
            int rounds = Math.min(ROUNDS, options.connections());
            for (int r = 0; r < rounds; r++) {
                int batch = options.connections() / rounds + (r < options.connections() % rounds ? 1 : 0);
                for (int i = 0; i < lanes.size(); i++) lanes.get((r + i) % lanes.size()).run(batch);
            }
            for (Lane lane : lanes) {
                ConnectStats stats = lane.finish();
                String c = lane.benchCase();
                List<Row> got = new ArrayList<>(List.of(
                        new Row(SUITE, c, "connect_p50", stats.p50Nanos() / 1e3, "us"),
                        new Row(SUITE, c, "connect_p99", stats.p99Nanos() / 1e3, "us"),
                        new Row(SUITE, c, "connections_per_s", stats.connectionsPerSecond(), "1/s")));
                lane.coldLoadSeconds().ifPresent(s -> got.add(new Row(SUITE, c, "cold_load", s, "s")));
                lane.coldLoadCpuSeconds().ifPresent(s -> got.add(new Row(SUITE, c, "cold_load_cpu", s, "s")));
                rows.addAll(got);
                progress.accept(String.join("  ", got.stream()
                        .map(row -> row.caseName() + " " + row.metric() + "=" + format(row.value()) + " " + row.unit()).toList()));
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            for (int i = lanes.size() - 1; i >= 0; i--) {
                try {
                    lanes.get(i).close();
                } catch (RuntimeException e) {
                    if (failure == null) failure = new IOException("cleanup of " + lanes.get(i) + " failed", e);
                    else failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) throw failure;
        return rows;
    }

    /**
     * The rows as a table, one line per case: p50 and p99 with their excess over the direct
     * connection of the same size, the rate and its ratio to direct, and the cold-load wall and CPU time.
     */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-36s %10s %10s %10s %10s %11s %7s %10s %10s%n",
                "case", "p50 us", "+direct", "p99 us", "+direct", "conn/s", "xdirect", "load s", "load cpu s"));
        List<String> cases = rows.stream().map(Row::caseName).distinct().toList();
        for (String c : cases) {
            String size = c.substring(c.indexOf('/') + 1);
            String direct = Mode.DIRECT.id() + "/" + size;
            double p50 = value(rows, c, "connect_p50");
            double p99 = value(rows, c, "connect_p99");
            double rate = value(rows, c, "connections_per_s");
            double load = value(rows, c, "cold_load");
            double loadCpu = value(rows, c, "cold_load_cpu");
            double d50 = value(rows, direct, "connect_p50");
            double d99 = value(rows, direct, "connect_p99");
            double dRate = value(rows, direct, "connections_per_s");
            b.append(String.format(Locale.ROOT, "%-36s %10s %10s %10s %10s %11s %7s %10s %10s%n", c,
                    format(p50), Double.isNaN(d50) ? "" : signed(p50 - d50), format(p99), Double.isNaN(d99) ? "" : signed(p99 - d99),
                    format(rate), Double.isNaN(dRate) ? "" : String.format(Locale.ROOT, "%.2f", rate / dRate),
                    Double.isNaN(load) ? "" : String.format(Locale.ROOT, "%.3f", load),
                    Double.isNaN(loadCpu) ? "" : String.format(Locale.ROOT, "%.3f", loadCpu)));
        }
        return b.toString();
    }

    private static double value(List<Row> rows, String benchCase, String metric) {
        return rows.stream().filter(r -> r.caseName().equals(benchCase) && r.metric().equals(metric))
                .mapToDouble(Row::value).findFirst().orElse(Double.NaN);
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, "%+.1f", v);
    }

    /** Fails before anything is created when a selected mode's loader is not installed. */
    static void requireTools(Set<Mode> modes) throws IOException {
        List<String> missing = new ArrayList<>();
        if (modes.contains(Mode.IPTABLES_LEGACY) && !onPath("iptables-legacy-restore")) missing.add("iptables-legacy-restore (apt: iptables)");
        if (modes.contains(Mode.IPTABLES_NFT) && !onPath("iptables-nft-restore")) missing.add("iptables-nft-restore (apt: iptables)");
        if (modes.contains(Mode.NFTABLES) && !onPath("nft")) missing.add("nft (apt: nftables)");
        if (!missing.isEmpty()) throw new IOException("missing for the kube-proxy modes: " + String.join(", ", missing));
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool));
    }

}
