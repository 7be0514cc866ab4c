package dev.senda.testbed;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code senda demo}: a node in network namespaces (three echo pods and a client), the real agent
 * reading the Service and EndpointSlice of {@code examples/demo-service.yaml} from a directory,
 * requests to the VIP with their spread over the backends, an endpoint removed and added back by
 * editing the EndpointSlice file, {@code senda bpf lb list}, forwarding that survives the agent's
 * SIGTERM, and {@code senda cleanup}. Everything it creates is removed at the end, on failure, and on
 * Ctrl-C (the testbed's shutdown hook stops and cleans up the agent, then deletes the namespaces).
 */
public final class Demo {
    /** The demo's pods, in testbed order: echo-a gets 10.244.0.10, ..., client 10.244.0.13. */
    static final List<String> BACKENDS = List.of("echo-a", "echo-b", "echo-c");
    static final String CLIENT = "client";
    /** The pod range the example YAML was written for. */
    static final int SUBNET_OCTET = 0;
    static final String DEMO_FILE = "demo-service.yaml";
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    static final Duration CONVERGE = Duration.ofSeconds(20);

    private final Options options;
    private final KubernetesSerialization yaml = new KubernetesSerialization();

    /**
     * What to run.
     *
     * @param examplesDir the repository's {@code examples/} (the demo reads {@value #DEMO_FILE} and
     *                    copies every other {@code *.yaml} there too)
     * @param socketLb    socket LB (client inside the agent's cgroup) or per-packet tc LB (client outside)
     * @param requests    requests per measurement
     * @param workDir     where the agent's source directory and logs go (kept afterwards for reading)
     */
    public record Options(Path examplesDir, boolean socketLb, int requests, Path workDir) {
        public Options {
            if (requests < 1 || requests > 10_000) throw new IllegalArgumentException("requests: 1..10000");
        }

        /**
         * Defaults: {@code $senda.home/examples} (the launcher sets senda.home), else ./examples; socket
         * LB; 30 requests; a new directory under /tmp.
         */
        public static Options defaults() throws IOException {
            String home = System.getProperty("senda.home");
            Path examples = home != null ? Path.of(home, "examples") : Path.of("examples");
            return new Options(examples.toAbsolutePath(), true, 30, Files.createTempDirectory("senda-demo-"));
        }
    }

    public Demo(Options options) {
        this.options = options;
    }

    /**
     * Runs the demo, printing what happens.
     *
     * @return 0 when every step behaved as expected, 1 otherwise (the reason is printed)
     * @throws IOException when the node or the agent cannot be set up (nothing is left behind)
     */
    public int run(PrintStream out) throws IOException {
        Path examples = options.examplesDir();
        Path demoFile = examples.resolve(DEMO_FILE);
        if (!Files.isRegularFile(demoFile)) {
            throw new IOException("no " + demoFile + " (run from the repository, or set -Dsenda.home)");
        }
        List<HasMetadata> objects = readAll(examples);
        Service service = find(objects, Service.class, "echo");
        EndpointSlice slice = find(objects, EndpointSlice.class, null);
        String vip = service.getSpec().getClusterIP();
        ServicePort tcp = port(service, "TCP");
        ServicePort udp = port(service, "UDP");

        Path work = options.workDir();
        Path source = Files.createDirectories(work.resolve("source"));
        Path logs = Files.createDirectories(work.resolve("logs"));
        title(out, "Senda demo: one node in network namespaces, the real agent, a ClusterIP Service over TCP and UDP");
        out.println("work directory: " + work + " (agent log and YAML stay there)");

        List<String> podNames = new ArrayList<>(BACKENDS);
        podNames.add(CLIENT);
        step(out, "building the node");
        try (Testbed tb = Testbed.builder().pods(podNames.toArray(String[]::new)).subnet(SUBNET_OCTET).logDir(logs).build()) {
            out.println("  node namespace " + tb.nodeNetns() + ", cgroup " + tb.cgroupDir());
            for (Pod p : tb.pods()) {
                out.printf("  pod %-7s %-12s netns %-16s device %s%n", p.name(), p.ip(), p.netns(), p.hostDevice());
            }
            checkSliceMatches(slice, tb);
            for (String b : BACKENDS) {
                tb.startEchoServer(tb.pod(b), Testbed.Proto.TCP, tcp.getTargetPort().getIntVal());
                tb.startEchoServer(tb.pod(b), Testbed.Proto.UDP, udp.getTargetPort().getIntVal());
            }
            out.println("  echo servers answer '<pod> <client address> <port>' on TCP " + tcp.getTargetPort().getIntVal()
                    + " and UDP " + udp.getTargetPort().getIntVal());

            for (HasMetadata o : objects) write(source, o);
            step(out, "starting the agent: senda agent --source dir:" + source
                    + " --socket-lb=" + options.socketLb() + " --pod-devices '" + tb.podDeviceGlob() + "'");
            long t0 = System.nanoTime();
            AgentProcess agent = AgentProcess.start(tb,
                    AgentProcess.Settings.directory(tb, source, options.socketLb(), logs.resolve("agent.log")),
                    Duration.ofSeconds(90));
            out.printf("  /healthz answered 200 after %.1f s (log: %s)%n", (System.nanoTime() - t0) / 1e9, logs.resolve("agent.log"));

            Pod client = tb.pod(CLIENT);
            boolean inCgroup = options.socketLb();
            out.println("  client " + client.ip() + (inCgroup ? " runs inside the agent's cgroup (socket LB translates its connect())"
                    : " runs outside the cgroup (tc on " + client.hostDevice() + " translates its packets)"));
            Spread spread = new Spread(tb, client, inCgroup, vip, options.requests());

            step(out, "Service " + service.getMetadata().getNamespace() + "/" + service.getMetadata().getName()
                    + " " + vip + ": " + tcp.getPort() + "/TCP -> " + tcp.getTargetPort().getIntVal()
                    + ", " + udp.getPort() + "/UDP -> " + udp.getTargetPort().getIntVal());
            boolean ok = spread.await(out, Testbed.Proto.TCP, tcp.getPort(), Set.copyOf(BACKENDS));
            ok &= spread.await(out, Testbed.Proto.UDP, udp.getPort(), Set.copyOf(BACKENDS));

            List<String> withoutC = BACKENDS.subList(0, 2);
            step(out, "removing echo-c from the EndpointSlice (rewriting " + fileName(slice) + ")");
            write(source, withEndpoints(slice, withoutC));
            ok &= spread.await(out, Testbed.Proto.TCP, tcp.getPort(), Set.copyOf(withoutC));

            step(out, "adding echo-c back");
            write(source, slice);
            ok &= spread.await(out, Testbed.Proto.TCP, tcp.getPort(), Set.copyOf(BACKENDS));

            step(out, "senda bpf lb list --bpffs-root " + agent.settings().bpffsRoot());
            Exec.Result list = agent.lbList();
            out.print(indent(list.ok() ? list.stdout() : list.stdout() + list.stderr()));
            ok &= list.ok();

            step(out, "stopping the agent (SIGTERM): the datapath stays and keeps forwarding");
            int exit = agent.stop();
            out.println("  agent exited with " + exit);
            ok &= exit == 0;
            ok &= spread.show(out, Testbed.Proto.TCP, tcp.getPort(), Set.copyOf(BACKENDS));

            step(out, "senda cleanup --bpffs-root " + agent.settings().bpffsRoot() + " --cgroup-root " + tb.cgroupDir());
            Exec.Result cleanup = agent.cleanup();
            out.print(indent(cleanup.stdout() + (cleanup.ok() ? "" : cleanup.stderr())));
            ok &= cleanup.ok();
            ClientResult after = tb.tcp(client, vip, tcp.getPort(), inCgroup, REQUEST_TIMEOUT);
            out.println("  a request to " + vip + ":" + tcp.getPort() + " now: " + (after.ok() ? after.answer() : after.error()));

            step(out, "removing the node (namespaces, veths, cgroup)");
            tb.close();
            out.println(ok ? "\ndemo finished: every step behaved as expected" : "\ndemo finished WITH PROBLEMS (see above)");
            return ok ? 0 : 1;
        }
    }

    /** Requests from the client to the VIP and their spread over backends. */
    private record Spread(Testbed tb, Pod client, boolean inCgroup, String vip, int n) {

        /**
         * Measures until exactly {@code expected} answer (bounded), then prints a fresh round: the
         * converging round may have started before the agent's update and would skew the picture.
         */
        boolean await(PrintStream out, Testbed.Proto proto, int port, Set<String> expected) throws IOException {
            long start = System.nanoTime();
            long deadline = start + CONVERGE.toNanos();
            Map<String, Integer> counts;
            List<String> errors;
            int rounds = 0;
            do {
                counts = new TreeMap<>();
                errors = new ArrayList<>();
                measure(proto, port, counts, errors);
                rounds++;
                if (errors.isEmpty() && counts.keySet().equals(new TreeSet<>(expected))) {
                    if (rounds > 1) {
                        out.printf("  converged after %.1f s%n", (System.nanoTime() - start) / 1e9);
                    }
                    return show(out, proto, port, expected);
                }
                sleep(200);
            } while (System.nanoTime() < deadline);
            print(out, proto, port, counts, errors, "");
            out.println("  !! expected exactly " + new TreeSet<>(expected) + " within " + CONVERGE.toSeconds() + " s");
            return false;
        }

        /** One round, printed; true when every request was answered by one of {@code expected}. */
        boolean show(PrintStream out, Testbed.Proto proto, int port, Set<String> expected) throws IOException {
            Map<String, Integer> counts = new TreeMap<>();
            List<String> errors = new ArrayList<>();
            measure(proto, port, counts, errors);
            print(out, proto, port, counts, errors, "");
            return errors.isEmpty() && expected.containsAll(counts.keySet());
        }

        private void measure(Testbed.Proto proto, int port, Map<String, Integer> counts, List<String> errors) throws IOException {
            for (int i = 0; i < n; i++) {
                ClientResult r = tb.request(proto, client, vip, port, inCgroup, REQUEST_TIMEOUT);
                if (r.ok()) counts.merge(r.pod().orElse(r.answer()), 1, Integer::sum);
                else errors.add(r.error());
            }
        }

        private void print(PrintStream out, Testbed.Proto proto, int port, Map<String, Integer> counts,
                           List<String> errors, String note) {
            out.println("  " + n + " " + proto + " requests from " + client.name() + " to " + vip + ":" + port + note + ":");
            counts.forEach((pod, c) -> out.printf("    %-8s %3d %s%n", pod, c, "#".repeat(c * 40 / n)));
            if (!errors.isEmpty()) out.printf("    %-8s %3d e.g. %s%n", "failed", errors.size(), errors.getFirst());
        }
    }

    // ---------------------------------------------------------------- YAML

    private List<HasMetadata> readAll(Path dir) throws IOException {
        List<HasMetadata> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
            List<Path> sorted = new ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            for (Path f : sorted) {
                Object root = yaml.unmarshal(new ByteArrayInputStream(Files.readAllBytes(f)));
                collect(root, all);
            }
        }
        return all;
    }

    private static void collect(Object node, List<HasMetadata> into) {
        if (node instanceof HasMetadata h) into.add(h);
        else if (node instanceof Collection<?> c) c.forEach(o -> collect(o, into));
    }

    private static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) throws IOException {
        for (HasMetadata o : objects) {
            if (type.isInstance(o) && (name == null || name.equals(o.getMetadata().getName()))) return type.cast(o);
        }
        throw new IOException("examples/" + DEMO_FILE + " has no " + type.getSimpleName() + (name != null ? " '" + name + "'" : ""));
    }

    private static ServicePort port(Service s, String protocol) throws IOException {
        return s.getSpec().getPorts().stream().filter(p -> protocol.equals(p.getProtocol())).findFirst()
                .orElseThrow(() -> new IOException("Service " + s.getMetadata().getName() + " has no " + protocol + " port"));
    }

    /** The example names pod addresses; they must be the ones this node's pods got. */
    private static void checkSliceMatches(EndpointSlice slice, Testbed tb) throws IOException {
        for (Endpoint e : slice.getEndpoints()) {
            String name = e.getTargetRef() != null ? e.getTargetRef().getName() : null;
            String ip = e.getAddresses().getFirst();
            if (name == null || !BACKENDS.contains(name) || !tb.pod(name).ip().equals(ip)) {
                throw new IOException("examples/" + DEMO_FILE + ": endpoint " + ip + " (" + name
                        + ") is not one of the demo pods " + tb.pods());
            }
        }
    }

    private static EndpointSlice withEndpoints(EndpointSlice slice, List<String> pods) {
        return new EndpointSliceBuilder(slice)
                .withEndpoints(slice.getEndpoints().stream()
                        .filter(e -> e.getTargetRef() != null && pods.contains(e.getTargetRef().getName())).toList())
                .build();
    }

    private static String fileName(HasMetadata o) {
        return o.getKind().toLowerCase() + "-" + o.getMetadata().getNamespace() + "-" + o.getMetadata().getName() + ".yaml";
    }

    /**
     * One object per file; written beside and renamed into place, so the agent's directory watch
     * never reads half a file (files starting with '.' are ignored by the directory source).
     */
    private void write(Path dir, HasMetadata o) throws IOException {
        Path target = dir.resolve(fileName(o));
        Path tmp = dir.resolve("." + fileName(o) + ".tmp");
        Files.writeString(tmp, yaml.asYaml(o), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    // ---------------------------------------------------------------- output

    private static void title(PrintStream out, String text) {
        out.println(text);
        out.println("=".repeat(Math.min(100, text.length())));
    }

    private static void step(PrintStream out, String text) {
        out.println();
        out.println("==> " + text);
    }

    private static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.strip().split("\n")) b.append("  ").append(line).append('\n');
        return b.toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
