package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One e2e node: a {@link Testbed} with three backend pods (echo-a/b/c) and two client pods, echo
 * servers in the backends, the mock API server reachable from the node namespace, and (once
 * started) the real agent. Pods are dual-stack; VIPs come from a random 10.96.N.0/24 or
 * fd00:96:N::/64 (they exist only in the agent's maps and the namespaces' traffic).
 */
final class E2eNode implements AutoCloseable {
    /** TCP and UDP echo port of every backend. */
    static final int ECHO = 8080;
    /** A second TCP echo port (multi-port Services). */
    static final int ECHO2 = 8081;
    /** Greets, then echoes lines: for long-lived connections. */
    static final int STREAM = 8090;
    /**
     * How long the agent may take to answer /healthz: 90 s, or {@code -Dsenda.e2e.agentReadySeconds}
     * (the QEMU run sets more: under TCG a JVM starts many times slower).
     */
    static final Duration AGENT_READY = Duration.ofSeconds(Long.getLong("senda.e2e.agentReadySeconds", 90));

    final Testbed tb;
    final MockApiServer api;
    final Path logDir;
    final Pod a;
    final Pod b;
    final Pod c;
    final Pod client;
    /** A second client, e.g. for a load loop running beside the main client. */
    final Pod client2;
    private final int vipOctet = new SecureRandom().nextInt(256);
    private final AtomicInteger nextVip = new AtomicInteger(1);
    private final AtomicInteger agentRuns = new AtomicInteger();
    private AgentProcess agent;

    private E2eNode(Testbed tb, MockApiServer api, Path logDir) {
        this.tb = tb;
        this.api = api;
        this.logDir = logDir;
        this.a = tb.pod("echo-a");
        this.b = tb.pod("echo-b");
        this.c = tb.pod("echo-c");
        this.client = tb.pod("client");
        this.client2 = tb.pod("client2");
    }

    /** Builds the node (no agent yet); on failure nothing is left behind. */
    static E2eNode create(String testName) throws IOException {
        return create(testName, false);
    }

    /**
     * Builds the node; with {@code faultProxy} the agent reaches the mock API server through an
     * {@link dev.senda.test.ApiFaultProxy} ({@code api.proxy()}) that stages outages.
     */
    static E2eNode create(String testName, boolean faultProxy) throws IOException {
        return create(testName, faultProxy, false);
    }

    /** Builds the node with an API server made for tens of thousands of objects ({@link MockApiServer#startIndexed}). */
    static E2eNode createForScale(String testName) throws IOException {
        return create(testName, false, true);
    }

    private static E2eNode create(String testName, boolean faultProxy, boolean indexedApi) throws IOException {
        Privileged.requireRoot();
        Path logRoot = Privileged.logDir(testName);
        Testbed tb = Testbed.builder().pods("echo-a", "echo-b", "echo-c", "client", "client2").logDir(logRoot).build();
        MockApiServer api = null;
        try {
            for (Pod p : List.of(tb.pod("echo-a"), tb.pod("echo-b"), tb.pod("echo-c"))) {
                tb.startEchoServer(p, Testbed.Proto.TCP, ECHO);
                tb.startEchoServer(p, Testbed.Proto.UDP, ECHO);
                tb.startEchoServer(p, Testbed.Proto.TCP, ECHO2);
                tb.startStreamServer(p, STREAM);
            }
            Path apiDir = logRoot.resolve(tb.prefix());
            api = faultProxy ? MockApiServer.startBehindFaultProxy(tb, apiDir)
                    : indexedApi ? MockApiServer.startIndexed(tb, apiDir) : MockApiServer.start(tb, apiDir);
            return new E2eNode(tb, api, logRoot);
        } catch (IOException | RuntimeException e) {
            if (api != null) api.close();
            try {
                tb.close();
            } catch (RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /** Starts the agent against the mock API server and waits until /healthz is 200. */
    AgentProcess startAgent(boolean socketLb) throws IOException {
        return startAgent(socketLb, List.of());
    }

    /** As {@link #startAgent(boolean)}, with more flags. */
    AgentProcess startAgent(boolean socketLb, List<String> extraArgs) throws IOException {
        AgentProcess.Settings s = nextAgentSettings(socketLb);
        agent = AgentProcess.start(tb, new AgentProcess.Settings(s.source(), s.socketLb(), s.bpffsRoot(), s.logFile(),
                extraArgs), AGENT_READY);
        return agent;
    }

    /** Starts the agent against the mock API server without waiting for anything (it may not become healthy). */
    AgentProcess launchAgent(boolean socketLb) throws IOException {
        return launchAgent(socketLb, List.of());
    }

    /** As {@link #launchAgent(boolean)}, with more flags. */
    AgentProcess launchAgent(boolean socketLb, List<String> extraArgs) throws IOException {
        AgentProcess.Settings s = nextAgentSettings(socketLb);
        agent = AgentProcess.launch(tb, new AgentProcess.Settings(s.source(), s.socketLb(), s.bpffsRoot(), s.logFile(),
                extraArgs));
        return agent;
    }

    private AgentProcess.Settings nextAgentSettings(boolean socketLb) {
        if (agent != null && agent.isAlive()) throw new IllegalStateException("an agent is already running");
        String mode = socketLb ? "socketlb" : "perpacket";
        Path log = logDir.resolve(tb.prefix() + "-agent-" + agentRuns.incrementAndGet() + "-" + mode + ".log");
        return AgentProcess.Settings.kubeconfig(tb, api.kubeconfig(), socketLb, log);
    }

    AgentProcess agent() {
        return agent;
    }

    /** A fresh IPv4 VIP 10.96.N.k. */
    String nextVip() {
        return nextVip(IpFamily.IPV4);
    }

    /**
     * A fresh VIP of {@code family}: 10.96.N.k, or fd00:96:N::k (canonical text) with the same digits;
     * k is never reused within the node, whatever the family.
     */
    String nextVip(IpFamily family) {
        int k = nextVip.getAndIncrement();
        if (k > 254) throw new IllegalStateException("out of VIPs");
        if (family == IpFamily.IPV4) return "10.96." + vipOctet + "." + k;
        return IpAddress.parse("fd00:96:" + vipOctet + "::" + k).orElseThrow().toString();
    }

    KubernetesClient kube() {
        return api.client();
    }

    /** Creates the object, or replaces it (PUT: the mock rejects patches) when it exists. */
    <T extends HasMetadata> T apply(T object) {
        log("apply " + object.getKind() + " " + object.getMetadata().getName());
        return kube().resource(object).createOr(NonDeletingOperation::update);
    }

    void delete(HasMetadata object) {
        log("delete " + object.getKind() + " " + object.getMetadata().getName());
        kube().resource(object).delete();
    }

    /** A timestamped line on the test's output, to line up with the agent's log. */
    static void log(String line) {
        System.out.println(java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " " + line);
    }

    /** Deletes every Service and EndpointSlice of the test namespace (the mock never garbage-collects slices). */
    void deleteAll() {
        kube().discovery().v1().endpointSlices().inNamespace(KubeObjects.NAMESPACE).list().getItems().forEach(this::delete);
        kube().services().inNamespace(KubeObjects.NAMESPACE).list().getItems().forEach(this::delete);
    }

    /** Stops and cleans up the agent (if any), then the API server and the testbed; reports every failure. */
    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        if (agent != null) all.add(agent);
        all.add(api);
        all.add(tb);
        CloseAll.close("e2e node", all);
    }
}
