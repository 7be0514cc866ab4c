package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.Cluster;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A two-node e2e cluster: a {@link Cluster} with two backend pods and a client pod on each node
 * (node-1: echo-1a, echo-1b, client-1; node-2: echo-2a, echo-2b, client-2), echo servers in the
 * backends (the ports of {@link E2eNode}), the external client, one mock API server reachable from
 * both node namespaces, a v1 Node object per node (InternalIPs of both families on the node
 * network, zones zone-a and zone-b), and (once started) one real agent per node.
 *
 * <p>{@link #close()} stops both agents (with {@code senda cleanup}), the API server and the
 * cluster, also after a failed {@link #create} or agent start; every failure is reported.
 */
final class E2eCluster implements AutoCloseable {
    static final String NODE1 = "node-1";
    static final String NODE2 = "node-2";

    final Cluster cluster;
    final MockApiServer api;
    final Path logDir;
    final Testbed node1;
    final Testbed node2;
    final Pod echo1a;
    final Pod echo1b;
    final Pod client1;
    final Pod echo2a;
    final Pod echo2b;
    final Pod client2;
    /** The external client on the node network. */
    final Pod external;
    private final int vipOctet = new SecureRandom().nextInt(256);
    private final AtomicInteger nextVip = new AtomicInteger(1);
    private final AtomicInteger agentRuns = new AtomicInteger();
    private final Map<String, AgentProcess> agents = new LinkedHashMap<>();

    private E2eCluster(Cluster cluster, MockApiServer api, Path logDir) {
        this.cluster = cluster;
        this.api = api;
        this.logDir = logDir;
        this.node1 = cluster.node(NODE1);
        this.node2 = cluster.node(NODE2);
        this.echo1a = cluster.pod("echo-1a");
        this.echo1b = cluster.pod("echo-1b");
        this.client1 = cluster.pod("client-1");
        this.echo2a = cluster.pod("echo-2a");
        this.echo2b = cluster.pod("echo-2b");
        this.client2 = cluster.pod("client-2");
        this.external = cluster.external();
    }

    /** Builds the cluster, the API server and the Node objects (no agents yet); on failure nothing is left behind. */
    static E2eCluster create(String testName) throws IOException {
        return create(testName, null);
    }

    /**
     * {@link #create(String)} with the pods' network made by real CNI plugins in {@code layout}
     * (null: the testbed's own veths and routes).
     */
    static E2eCluster create(String testName, CniLayout layout) throws IOException {
        Privileged.requireRoot();
        Path logRoot = Privileged.logDir(testName);
        Cluster.Builder builder = Cluster.builder()
                .node(NODE1, "echo-1a", "echo-1b", "client-1")
                .node(NODE2, "echo-2a", "echo-2b", "client-2")
                .logDir(logRoot);
        if (layout != null) builder.cni(layout.plugin()).podRouting(layout.routing());
        Cluster cluster = builder.build();
        MockApiServer api = null;
        try {
            for (String name : List.of("echo-1a", "echo-1b", "echo-2a", "echo-2b")) {
                Pod p = cluster.pod(name);
                Testbed node = cluster.nodeOf(p);
                node.startEchoServer(p, Testbed.Proto.TCP, E2eNode.ECHO);
                node.startEchoServer(p, Testbed.Proto.UDP, E2eNode.ECHO);
                node.startEchoServer(p, Testbed.Proto.TCP, E2eNode.ECHO2);
                node.startStreamServer(p, E2eNode.STREAM);
            }
            api = MockApiServer.start(cluster.nodes().stream().map(Testbed::nodeNetnsPath).toList(),
                    logRoot.resolve(cluster.prefix()));
            E2eCluster c = new E2eCluster(cluster, api, logRoot);
            c.applyNodeObjects();
            return c;
        } catch (IOException | RuntimeException e) {
            if (api != null) {
                try {
                    api.close();
                } catch (RuntimeException x) {
                    e.addSuppressed(x);
                }
            }
            try {
                cluster.close();
            } catch (RuntimeException x) {
                e.addSuppressed(x);
            }
            throw e;
        }
    }

    /** The zone label value of a node: zone-a for node-1, zone-b for node-2. */
    String zone(Testbed node) {
        return node == node1 ? "zone-a" : "zone-b";
    }

    /** One Node object per node: InternalIPs (IPv4 first, then IPv6) on the node network, zone label. */
    private void applyNodeObjects() {
        for (Testbed node : cluster.nodes()) {
            apply(NodeObjects.node(node.nodeName(), zone(node),
                    List.of(cluster.nodeAddress(node, IpFamily.IPV4), cluster.nodeAddress(node, IpFamily.IPV6))));
        }
    }

    /**
     * Starts one agent per node (each in its node namespace with its own --node-name, --bpffs-root and
     * --cgroup-root, all against the same API server) and waits until each /healthz is 200. When one
     * fails to start, the ones already running are left for {@link #close()}.
     */
    List<AgentProcess> startAgents(boolean socketLb) throws IOException {
        return startAgents(socketLb, List.of());
    }

    /** {@link #startAgents(boolean)} with more flags for both agents (e.g. {@code --node-devices}). */
    List<AgentProcess> startAgents(boolean socketLb, List<String> extraArgs) throws IOException {
        if (agents.values().stream().anyMatch(AgentProcess::isAlive)) throw new IllegalStateException("agents are already running");
        agents.clear();
        String mode = socketLb ? "socketlb" : "perpacket";
        int run = agentRuns.incrementAndGet();
        for (Testbed node : cluster.nodes()) {
            Path log = logDir.resolve(cluster.prefix() + "-" + node.nodeName() + "-agent-" + run + "-" + mode + ".log");
            AgentProcess.Settings defaults = AgentProcess.Settings.kubeconfig(node, api.kubeconfig(), socketLb, log);
            AgentProcess.Settings settings = new AgentProcess.Settings(defaults.source(), socketLb, defaults.bpffsRoot(),
                    log, extraArgs);
            agents.put(node.nodeName(), AgentProcess.start(node, settings, E2eNode.AGENT_READY));
        }
        return List.copyOf(agents.values());
    }

    /** The agent of a node (after {@link #startAgents}). */
    AgentProcess agent(Testbed node) {
        AgentProcess a = agents.get(node.nodeName());
        if (a == null) throw new IllegalStateException("no agent started on " + node.nodeName());
        return a;
    }

    /** A fresh VIP of {@code family}: 10.96.N.k or fd00:96:N::k, k never reused within the cluster. */
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
        E2eNode.log("apply " + object.getKind() + " " + object.getMetadata().getName());
        return kube().resource(object).createOr(NonDeletingOperation::update);
    }

    void delete(HasMetadata object) {
        E2eNode.log("delete " + object.getKind() + " " + object.getMetadata().getName());
        kube().resource(object).delete();
    }

    /** Deletes every Service and EndpointSlice of the test namespace (Nodes stay). */
    void deleteAll() {
        kube().discovery().v1().endpointSlices().inNamespace(KubeObjects.NAMESPACE).list().getItems().forEach(this::delete);
        kube().services().inNamespace(KubeObjects.NAMESPACE).list().getItems().forEach(this::delete);
    }

    /** Stops and cleans up both agents, then the API server and the cluster; reports every failure. */
    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(agents.values());
        all.add(api);
        all.add(cluster);
        CloseAll.close("e2e cluster", all);
    }
}
