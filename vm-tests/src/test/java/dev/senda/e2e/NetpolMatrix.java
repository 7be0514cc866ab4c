package dev.senda.e2e;

import dev.senda.e2e.NetpolModel.Column;
import dev.senda.e2e.NetpolModel.PodId;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The upstream NetworkPolicy probe matrix on one testbed node: nine pods (x/a ... z/c, testbed pods
 * {@code x-a} ...) each serving TCP and UDP on 80 and 81 (echo servers answering with the pod's
 * name), their Namespace, Pod, Service and EndpointSlice objects on the mock API server (so policies
 * and labels change through the API while the agent runs), one long-lived {@link NetpolProber} per
 * pod, and the real agent.
 *
 * <p><b>Where policy is enforced, and the devices:</b> the agent gets {@code --pod-devices
 * <prefix>p*} ({@link Testbed#podDeviceGlob()}), which matches the host-side veth of every pod, in
 * both datapath modes: policy is enforced on the pod's host-side interface (tc ingress: the pod's
 * egress; tc egress: its ingress), so every matrix pod must be covered even where socket LB does the
 * Service translation. In socket-LB mode the probers run inside the node's cgroup (connect() and
 * sendmsg() are translated there and the packet leaves the pod already addressed to the backend
 * pod); in per-packet mode they run outside it and the tc program on the host veth translates.
 *
 * <p><b>A round</b> probes every ordered pair (81) in every column (TCP and UDP on 80 and 81): 324
 * probes through the Services' cluster IPs of one family, all at once (each prober runs its 36 in
 * parallel), each bounded by {@link #PROBE_TIMEOUT}; a dropped probe is silent, so a round with a
 * denied cell costs about one timeout (see {@link #observe} for the retries of cells that should connect). A probe counts as connected only when the target pod itself
 * answered. {@link #expect} repeats rounds until every column equals the expectation or
 * {@link #CONVERGE} passes, then fails with the expected, observed and comparison tables of every
 * differing column.
 */
final class NetpolMatrix implements AutoCloseable {
    /** Bound of one probe: a denied one always takes this long. */
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(800);
    /** Bound of a retried probe (one that failed although it should connect). */
    static final Duration RETRY_TIMEOUT = Duration.ofSeconds(3);
    /**
     * How often such a probe is retried within one round: a burst of probes on a starved machine can
     * lose packets in the veths' backlog, and a lost SYN is sent again only after 1 s, then 3 s.
     */
    static final int RETRIES = 3;
    /** Bound of one step: rounds repeat until the tables match or this passes. */
    static final Duration CONVERGE = Duration.ofSeconds(30);

    final Testbed tb;
    final MockApiServer api;
    final boolean socketLb;
    private final Path logDir;
    private final Map<PodId, Pod> pods = new LinkedHashMap<>();
    private final Map<PodId, String> vip4 = new LinkedHashMap<>();
    private final Map<PodId, String> vip6 = new LinkedHashMap<>();
    private final Map<PodId, NetpolProber> probers = new LinkedHashMap<>();
    private final List<AgentProcess> agents = new ArrayList<>();
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    private NetpolMatrix(Testbed tb, MockApiServer api, boolean socketLb, Path logDir) {
        this.tb = tb;
        this.api = api;
        this.socketLb = socketLb;
        this.logDir = logDir;
        int octet = new SecureRandom().nextInt(256);
        for (PodId id : NetpolModel.PODS) {
            pods.put(id, tb.pod(id.testbedName()));
            vip4.put(id, "10.96." + octet + "." + (10 + id.index()));
            vip6.put(id, IpAddress.parse("fd00:96:" + octet + "::" + (10 + id.index())).orElseThrow().toString());
        }
    }

    /**
     * Builds the node, its servers, the objects, the probers and the agent; on failure nothing is left
     * behind.
     */
    static NetpolMatrix create(String testName, boolean socketLb) throws IOException {
        Privileged.requireRoot();
        Path logRoot = Privileged.logDir(testName);
        Testbed tb = Testbed.builder().pods(NetpolModel.PODS.stream().map(PodId::testbedName).toArray(String[]::new))
                .logDir(logRoot).build();
        NetpolMatrix m = null;
        MockApiServer api = null;
        try {
            for (Pod p : tb.pods()) {
                for (int port : NetpolModel.PORTS) {
                    tb.startEchoServer(p, Testbed.Proto.TCP, port);
                    tb.startEchoServer(p, Testbed.Proto.UDP, port);
                }
            }
            api = MockApiServer.start(tb, logRoot.resolve(tb.prefix()));
            m = new NetpolMatrix(tb, api, socketLb, logRoot);
            m.createObjects();
            m.startProbers();
            m.startAgent();
            return m;
        } catch (IOException | RuntimeException e) {
            try {
                if (m != null) m.close();
                else {
                    if (api != null) api.close();
                    tb.close();
                }
            } catch (RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    private void createObjects() {
        for (String ns : NetpolModel.NAMESPACES) apply(NetpolObjects.namespace(ns, Map.of()));
        for (PodId id : NetpolModel.PODS) {
            applyPod(id, Map.of());
            // the agent learns pod addresses only from status.podIPs: make sure the mock kept them
            var stored = kube().pods().inNamespace(id.ns()).withName(id.pod()).get();
            if (stored == null || stored.getStatus() == null || stored.getStatus().getPodIPs().size() != 2) {
                throw new IllegalStateException("the mock API server did not keep pod " + id + "'s status.podIPs: " + stored);
            }
            apply(NetpolObjects.service(id, vip4.get(id), vip6.get(id)));
            for (IpFamily f : IpFamily.values()) apply(NetpolObjects.slice(id, pods.get(id), f));
        }
    }

    private void startProbers() throws IOException {
        for (PodId id : NetpolModel.PODS) {
            probers.put(id, NetpolProber.start(tb, pods.get(id), socketLb,
                    logDir.resolve(tb.prefix() + "-prober-" + id.testbedName() + ".log")));
        }
    }

    /** Starts an agent (the first, or again after {@link #stopAgent()}) and waits until it is healthy. */
    AgentProcess startAgent() throws IOException {
        if (!agents.isEmpty() && agents.getLast().isAlive()) throw new IllegalStateException("an agent is already running");
        String mode = socketLb ? "socketlb" : "perpacket";
        Path log = logDir.resolve(tb.prefix() + "-agent-" + (agents.size() + 1) + "-" + mode + ".log");
        AgentProcess agent = AgentProcess.start(tb, AgentProcess.Settings.kubeconfig(tb, api.kubeconfig(), socketLb, log),
                E2eNode.AGENT_READY);
        agents.add(agent);
        return agent;
    }

    /** SIGTERM to the running agent; the datapath (and with it the enforced policy) stays. */
    int stopAgent() {
        return agents.getLast().stop();
    }

    boolean agentRunning() {
        return !agents.isEmpty() && agents.getLast().isAlive();
    }

    AgentProcess agent() {
        return agents.getLast();
    }

    KubernetesClient kube() {
        return api.client();
    }

    /** Creates or replaces (PUT) an object. */
    <T extends HasMetadata> T apply(T object) {
        E2eNode.log("apply " + object.getKind() + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName());
        return kube().resource(object).createOr(NonDeletingOperation::update);
    }

    void delete(HasMetadata object) {
        E2eNode.log("delete " + object.getKind() + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName());
        kube().resource(object).delete();
    }

    /** The pod object with {@code pod=<name>} and {@code extra} labels (replacing any others). */
    void applyPod(PodId id, Map<String, String> extra) {
        apply(NetpolObjects.pod(id, pods.get(id), extra));
    }

    /** The namespace with its default labels and {@code extra} (replacing any others). */
    void applyNamespace(String ns, Map<String, String> extra) {
        apply(NetpolObjects.namespace(ns, extra));
    }

    /** The testbed pod behind a matrix pod (its addresses). */
    Pod pod(String id) {
        return pods.get(PodId.of(id));
    }

    /**
     * Back to the start of a case: the agent running, no NetworkPolicy anywhere, every namespace and
     * pod with its default labels, and the all-allowed matrix observed.
     */
    void reset() throws IOException {
        if (!agentRunning()) startAgent();
        for (String ns : NetpolModel.NAMESPACES) {
            kube().network().v1().networkPolicies().inNamespace(ns).list().getItems().forEach(this::delete);
            applyNamespace(ns, Map.of());
        }
        for (PodId id : NetpolModel.PODS) applyPod(id, Map.of());
        expect("reset: no policy", IpFamily.IPV4, NetpolExpectation.allowAll());
    }

    /** {@link #expect(String, IpFamily, NetpolExpectation)} over IPv4 cluster IPs. */
    void expect(String step, NetpolExpectation expected) throws IOException {
        expect(step, IpFamily.IPV4, expected);
    }

    /**
     * Probes rounds over the Services' {@code family} cluster IPs until every column equals
     * {@code expected} (diagonal aside) or {@link #CONVERGE} passes.
     *
     * @throws AssertionError with the expected, observed and comparison tables of every differing column
     */
    void expect(String step, IpFamily family, NetpolExpectation expected) throws IOException {
        long start = System.nanoTime();
        int[] rounds = {0};
        Observation done = Poll.result(CONVERGE, Duration.ofMillis(20), () -> {
            rounds[0]++;
            return observe(family, expected);
        }, o -> expected.matches(o.tables()), last -> report(step, family, expected, last));
        E2eNode.log("matrix " + family + " '" + step + "' as expected after " + rounds[0] + " round(s), "
                + (System.nanoTime() - start) / 1_000_000 + " ms; " + done.notes().size() + " probe(s) blocked, e.g. "
                + done.notes().subList(0, Math.min(3, done.notes().size())));
    }

    /** One round's tables and the first few failures seen (why a cell is blocked). */
    record Observation(Map<Column, NetpolTruth> tables, List<String> notes) {
    }

    /**
     * One round: every pair, every column, over {@code family}, each probe bounded by
     * {@link #PROBE_TIMEOUT}; then, up to {@link #RETRIES} times, the probes that failed although
     * {@code expected} says they connect, again, with {@link #RETRY_TIMEOUT}. The retries only
     * give a starved prober or server on a busy machine another chance to show a connection (a
     * connection is proof; a failure could be load); a cell expected blocked is never retried, so a
     * round with denied cells still costs about one timeout.
     */
    Observation observe(IpFamily family, NetpolExpectation expected) throws IOException {
        Map<PodId, String> vips = family == IpFamily.IPV4 ? vip4 : vip6;
        record Cell(PodId from, PodId to, Column column) {
        }
        Map<PodId, List<Cell>> pending = new LinkedHashMap<>();
        for (PodId from : NetpolModel.PODS) {
            List<Cell> cells = new ArrayList<>();
            for (Column c : NetpolModel.COLUMNS) for (PodId to : NetpolModel.PODS) cells.add(new Cell(from, to, c));
            pending.put(from, cells);
        }
        Map<Column, NetpolTruth> tables = new LinkedHashMap<>();
        for (Column c : NetpolModel.COLUMNS) tables.put(c, NetpolTruth.denyAll());
        Map<Cell, String> failures = new LinkedHashMap<>();
        for (int attempt = 0; attempt <= RETRIES && !pending.isEmpty(); attempt++) {
            Duration timeout = attempt == 0 ? PROBE_TIMEOUT : RETRY_TIMEOUT;
            Map<PodId, Future<List<NetpolProber.Result>>> running = new LinkedHashMap<>();
            pending.forEach((from, cells) -> {
                List<NetpolProber.Target> targets = cells.stream()
                        .map(c -> new NetpolProber.Target(c.column().proto(), vips.get(c.to()), c.column().port())).toList();
                running.put(from, pool.submit(() -> probers.get(from).probe(targets, timeout)));
            });
            Map<PodId, List<Cell>> retry = new LinkedHashMap<>();
            for (var e : running.entrySet()) {
                List<Cell> cells = pending.get(e.getKey());
                List<NetpolProber.Result> results = await(e.getValue());
                for (int i = 0; i < results.size(); i++) {
                    Cell cell = cells.get(i);
                    NetpolProber.Result r = results.get(i);
                    boolean connected = r.ok() && r.pod().equals(cell.to().testbedName());
                    tables.get(cell.column()).set(cell.from(), cell.to(), connected);
                    if (connected) {
                        failures.remove(cell);
                    } else {
                        failures.put(cell, r.ok() ? "answered by " + r.answer() : r.error());
                        if (expected.get(cell.column()).get(cell.from(), cell.to())) {
                            retry.computeIfAbsent(cell.from(), k -> new ArrayList<>()).add(cell);
                        }
                    }
                }
            }
            pending = retry;
        }
        List<String> notes = new ArrayList<>();
        failures.forEach((c, why) -> notes.add(c.from() + " -> " + c.to() + " " + c.column() + ": " + why));
        return new Observation(tables, notes);
    }

    private static List<NetpolProber.Result> await(Future<List<NetpolProber.Result>> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ie);
        } catch (ExecutionException ee) {
            throw ee.getCause() instanceof IOException io ? io : new IOException(ee.getCause());
        }
    }

    private static String report(String step, IpFamily family, NetpolExpectation expected, Observation last) {
        if (last == null) return step + ": no round completed";
        StringBuilder sb = new StringBuilder("matrix " + family + " '" + step + "' (rows = from, columns = to; '.' connects, 'X' blocked)\n");
        for (Column c : NetpolModel.COLUMNS) {
            NetpolTruth want = expected.get(c);
            NetpolTruth got = last.tables().get(c);
            if (want.matches(got)) {
                sb.append("column ").append(c).append(": as expected\n");
                continue;
            }
            sb.append("column ").append(c).append(": ").append(want.wrongCells(got)).append(" wrong cell(s)\n")
                    .append("expected:\n").append(want.render())
                    .append("observed:\n").append(got.render())
                    .append("comparison ('.' right, 'X' wrong, 'x' ignored loopback):\n").append(want.compare(got));
        }
        List<String> notes = last.notes();
        sb.append(notes.size()).append(" probe(s) failed in the last round, e.g. ")
                .append(notes.subList(0, Math.min(5, notes.size())));
        return sb.toString();
    }

    /** Stops the probers, the agent(s) (with cleanup), the API server and the testbed; reports every failure. */
    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(probers.values());
        all.add(pool::shutdownNow);
        all.addAll(agents.reversed());
        all.add(api);
        all.add(tb);
        CloseAll.close("netpol matrix", all);
    }
}
