package dev.senda.e2e;

import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.NetnsHttp;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.bench.AgentJvm;
import dev.senda.testbed.bench.AgentStartBench;
import dev.senda.testbed.bench.ServiceFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The "10,000 Services x 10 endpoints program and answer on every VIP" run of issue 9, at any size: an
 * {@link E2eNode} whose three backend pods serve every endpoint address ({@link AnyIpBackends}), the
 * Services of {@link ServiceFiles} (ClusterIP, TCP 80 to 8080, ready endpoints) given to a real agent
 * from a directory or through the mock API server, and one {@link VipProbeMain} in the client pod that
 * connects to every VIP once.
 *
 * <p>The agent runs as the launcher runs it ({@link AgentJvm}: the options file, the class-data archive
 * of the agent's classes, written by a first start against an empty directory, the built agent jar),
 * so its start time and memory are a user's. Figures are measured and returned,
 * not judged; {@link #run} fails only on what must hold at any speed (see {@link Figures}).
 */
final class ServiceScale {
    /** Endpoints per Service. */
    static final int ENDPOINTS = 10;
    /** Connections the probe keeps open at once, and each one's bound (connect, then again for the answer). */
    static final int PROBE_PARALLEL = 32;
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    /** How long the agent may take from start to /healthz 200 (every Service programmed). */
    static final Duration PROGRAMMED_BOUND = Duration.ofSeconds(Long.getLong("senda.e2e.agentReadySeconds", 300));

    /**
     * By hand only: JVM options after the launcher's ({@code -Dsenda.scale.jvmOptions=-Xmx1g,...}; later
     * ones win), e.g. to find what heap a size needs. Empty: exactly the launcher's.
     */
    static final List<String> EXTRA_JVM_OPTIONS = System.getProperty("senda.scale.jvmOptions", "").isBlank() ? List.of()
            : List.of(System.getProperty("senda.scale.jvmOptions").split(","));

    /** By hand only: keep the agent running this long after the probe, e.g. to look at it with jcmd. */
    static final Duration HOLD = Duration.ofSeconds(Long.getLong("senda.scale.holdSeconds", 0));

    enum Source { DIRECTORY, API }

    record Options(int services, Source source, boolean socketLb) {
        String name() {
            return services + "x" + ENDPOINTS + "-" + source.name().toLowerCase() + "-" + (socketLb ? "socketlb" : "perpacket");
        }
    }

    /**
     * What one run measured.
     *
     * @param createMillis        API source: the time to create every Service and EndpointSlice through the
     *                            API server before the agent starts (0 for a directory)
     * @param programmedMillis    agent process start to its first /healthz 200, polled every 10 ms: every source
     *                            synced and every Service programmed
     * @param programmedServices  {@code senda_programmed_services} then
     * @param unprogrammed        {@code senda_frontends_unprogrammed} then
     * @param cpuMillis           the agent's CPU time (user + system, all threads) then: on a shared machine
     *                            steadier than the wall time, which includes waiting for a core
     * @param rssMiB              the agent's VmRSS then
     * @param trimmedRssMiB       its VmRSS once the one full collection after the first sync ran (the
     *                            agent logs it, a few seconds after /healthz 200): what it keeps
     * @param hwmMiB              the agent's VmHWM then
     * @param probe               the probe's summary (its millis: first connect to last answer)
     */
    record Figures(Options options, long createMillis, long programmedMillis, double cpuMillis, long programmedServices,
                   long unprogrammed, double rssMiB, double trimmedRssMiB, double hwmMiB, VipProbeMain.Summary probe) {
        String line() {
            return String.format("scale %s: %s%d ms to programmed (agent CPU %.0f ms; %d Services programmed, %d frontends unprogrammed), "
                            + "agent VmRSS %.0f MiB, %.0f MiB after the start's collection (VmHWM %.0f MiB); probe of every VIP in %d ms: %d answered, %d wrong, "
                            + "%d failed of %d, by pod %s",
                    options.name(), createMillis > 0 ? "objects created through the API server in " + createMillis + " ms, " : "",
                    programmedMillis, cpuMillis, programmedServices, unprogrammed, rssMiB, trimmedRssMiB, hwmMiB, probe.millis(), probe.answered(),
                    probe.wrong(), probe.failed(), probe.services(), probe.byPod());
        }
    }

    private ServiceScale() {
    }

    /** Builds the node, programs the Services, probes every VIP; everything is removed again, also on failure. */
    static Figures run(Options o, String testName) throws IOException {
        Path files = null;
        Path archive = null;
        try {
            try (E2eNode node = E2eNode.createForScale(testName)) {
                AnyIpBackends backends = AnyIpBackends.route(node.tb, List.of(node.a, node.b, node.c),
                        (long) o.services() * ENDPOINTS);
                files = node.logDir.resolve(node.tb.prefix() + "-services");
                archive = archive(node.logDir, node.tb.prefix());
                return programAndProbe(o, node, backends, files);
            }
        } finally {
            // after the agent stopped (it reads them); tens of MB per run, not worth keeping beside the logs
            if (files != null) deleteTree(files);
            if (archive != null) Files.deleteIfExists(archive);
        }
    }

    private static Figures programAndProbe(Options o, E2eNode node, AnyIpBackends backends, Path files) throws IOException {
        Testbed tb = node.tb;
        {
            ServiceFiles.write(files, o.services(), ENDPOINTS);

            long createMillis = 0;
            AgentProcess.Settings settings;
            Path log = node.logDir.resolve(tb.prefix() + "-agent-" + o.name() + ".log");
            if (o.source() == Source.API) {
                long t = System.nanoTime();
                int created = createThroughApi(node, files);
                createMillis = Math.max(1, (System.nanoTime() - t) / 1_000_000);
                E2eNode.log("created " + created + " objects through the API server in " + createMillis + " ms");
                settings = AgentProcess.Settings.kubeconfig(tb, node.api.kubeconfig(), o.socketLb(), log);
            } else {
                settings = AgentProcess.Settings.directory(tb, files, o.socketLb(), log);
            }

            AgentJvm jvm = warmArchive(node, o);
            // a cold start: no snapshot of an earlier run's inputs (the state directory is per node name, and
            // every run's node is node-1) to program before the source answers
            deleteTree(AgentProcess.stateDir(tb));
            long t0 = System.nanoTime();
            AgentProcess agent = AgentProcess.launchWithJvm(tb, settings, jvm.command());
            awaitHealthz(tb, agent);
            long programmedMillis = (System.nanoTime() - t0) / 1_000_000;
            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(agent.pid()), "status"));
            double cpuMillis = AgentStartBench.cpuMillis(Files.readString(Path.of("/proc", Long.toString(agent.pid()), "stat")));
            String metrics = agent.metrics();
            E2eNode.log("agent /healthz 200 " + programmedMillis + " ms after its start");

            VipProbeMain.Summary probe = probe(tb, node.client, o, backends);
            double trimmedRssMiB = rssAfterHeapTrim(agent, log);
            if (HOLD.toMillis() > 0) {
                E2eNode.log("holding the agent (pid " + agent.pid() + ") for " + HOLD.toSeconds() + " s (senda.scale.holdSeconds)");
                Traffic.sleep(HOLD.toMillis());
            }
            Figures f = new Figures(o, createMillis, programmedMillis, cpuMillis, (long) value(metrics, "senda_programmed_services"),
                    (long) value(metrics, "senda_frontends_unprogrammed"), kib(status, "VmRSS") / 1024.0,
                    trimmedRssMiB, kib(status, "VmHWM") / 1024.0, probe);
            E2eNode.log(f.line());
            return f;
        }
    }

    /** The agent's VmRSS once its log says the collection after the first sync ran (HeapTrim), polled with a bound. */
    private static double rssAfterHeapTrim(AgentProcess agent, Path log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(log).contains("heap after the first sync")) {
            if (System.nanoTime() > deadline) throw new IOException("no 'heap after the first sync' in " + log + " within 60 s");
            Traffic.sleep(50);
        }
        return kib(Files.readAllLines(Path.of("/proc", Long.toString(agent.pid()), "status")), "VmRSS") / 1024.0;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    /**
     * The launcher's JVM with a class-data archive of the agent's classes that fits the jar as built now,
     * as a user's agent has it from its second start on: one agent started against an empty directory
     * writes the archive when it stops; its pins are removed, so the measured start is still cold.
     */
    private static AgentJvm warmArchive(E2eNode node, Options o) throws IOException {
        Path archive = archive(node.logDir, node.tb.prefix());
        Path empty = Files.createDirectories(node.logDir.resolve(node.tb.prefix() + "-empty"));
        AgentJvm jvm = AgentJvm.ofThisJdk(Optional.of(archive), EXTRA_JVM_OPTIONS);
        Path log = node.logDir.resolve(node.tb.prefix() + "-agent-archive-" + o.name() + ".log");
        try (AgentProcess warm = AgentProcess.launchWithJvm(node.tb, AgentProcess.Settings.directory(node.tb, empty,
                o.socketLb(), log), jvm.command())) {
            awaitHealthz(node.tb, warm);
        }
        Files.delete(empty);
        if (!Files.isRegularFile(archive)) throw new IOException("the agent wrote no class-data archive " + archive);
        return jvm;
    }

    private static Path archive(Path logDir, String prefix) {
        return logDir.resolve(prefix + "-agent.jsa");
    }

    /**
     * Loads the objects of the Service files (the same the directory source reads) and creates them through
     * the mock API server, a few requests at a time.
     */
    private static int createThroughApi(E2eNode node, Path files) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(files, "*.yaml")) {
            List<Path> sorted = new ArrayList<>();
            ds.forEach(sorted::add);
            sorted.sort(null);
            for (Path p : sorted) {
                try (InputStream in = Files.newInputStream(p)) {
                    objects.addAll(node.kube().load(in).items());
                }
            }
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (HasMetadata object : objects) {
                all.add(CompletableFuture.runAsync(() -> node.kube().resource(object).create(), pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("creating " + objects.size() + " objects through the API server failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return objects.size();
    }

    /** Polls /healthz every 10 ms until 200 (bounded); fails with the agent's log tail otherwise. */
    private static void awaitHealthz(Testbed tb, AgentProcess agent) throws IOException {
        long deadline = System.nanoTime() + PROGRAMMED_BOUND.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!agent.isAlive()) throw new IOException("agent exited before /healthz 200\n" + agent.logTail(40));
            try {
                NetnsHttp.Response r = NetnsHttp.get(tb.nodeNetnsPath(), "127.0.0.1", AgentProcess.HEALTHZ_PORT, "/healthz",
                        Duration.ofSeconds(2));
                if (r.status() == 200) return;
                last = r.status() + " " + r.body().strip();
            } catch (IOException e) {
                last = e.getMessage();
            }
            Traffic.sleep(10);
        }
        throw new IOException("/healthz not 200 within " + PROGRAMMED_BOUND.toSeconds() + " s (last: " + last + ")\n"
                + agent.logTail(40));
    }

    /** Runs one {@link VipProbeMain} in the client pod (in the cgroup for socket LB) and parses its summary. */
    private static VipProbeMain.Summary probe(Testbed tb, Pod client, Options o, AnyIpBackends backends) throws IOException {
        List<String> cmd = tb.clientCommand(client, o.socketLb(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), VipProbeMain.class.getName(),
                Integer.toString(o.services()), Integer.toString(ENDPOINTS), Integer.toString(PROBE_PARALLEL),
                Long.toString(PROBE_TIMEOUT.toMillis()), String.join(",", backends.ownerNames()));
        Path err = tb.logDir().resolve("vip-probe-" + o.name() + ".err");
        Process p = tb.processes().track(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start());
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        // every VIP failing with its full timeout, PROBE_PARALLEL at a time, plus the JVM's start
        long bound = o.services() * 2L * PROBE_TIMEOUT.toMillis() / PROBE_PARALLEL + 120_000;
        try {
            if (!p.waitFor(bound, TimeUnit.MILLISECONDS)) {
                tb.processes().stop(p, Duration.ofSeconds(2));
                throw new IOException("the VIP probe did not finish within " + bound + " ms");
            }
            String text = out.get(10, TimeUnit.SECONDS);
            text.lines().filter(l -> !l.startsWith("SUMMARY ")).forEach(l -> E2eNode.log("probe: " + l));
            if (p.exitValue() != 0) throw new IOException("the VIP probe exited " + p.exitValue() + " (see " + err + ")");
            return VipProbeMain.Summary.parse(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the VIP probe's output could not be read", e);
        }
    }

    /** A kB field of /proc/PID/status. */
    private static long kib(List<String> status, String field) throws IOException {
        return status.stream().filter(l -> l.startsWith(field + ":")).findFirst()
                .map(l -> Long.parseLong(l.substring(field.length() + 1).trim().split("\\s+")[0]))
                .orElseThrow(() -> new IOException("no " + field + " in /proc/PID/status"));
    }

    /** The value of an unlabelled series of /metrics; -1 when absent. */
    private static double value(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).strip().split(" ")[0]))
                .findFirst().orElse(-1);
    }
}
