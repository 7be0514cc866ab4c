package dev.senda.e2e;

import dev.senda.test.ApiFaultProxy;
import dev.senda.testbed.NetnsForwarder;
import dev.senda.testbed.Testbed;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * fabric8's mock API server in CRUD mode (objects stored, list + watch served), made reachable from
 * a testbed's node namespace (or every node namespace of a cluster) at {@code http://127.0.0.1:6443}:
 * each node namespace's own loopback, as the "new user" setup has it.
 *
 * <p>The mock (Vert.x) binds its listening socket on its own event-loop threads, so it cannot simply
 * be started "inside" the node namespace. It therefore listens on this JVM's loopback, where the
 * test's own fabric8 client reaches it directly, and a {@link NetnsForwarder} whose listening socket
 * was created inside the node namespace carries the agent's connections (WebSocket watches
 * included) across; a cluster gets one forwarder per node namespace, all to the same server, so
 * every agent sees the same objects under the same kubeconfig. Nothing is exposed anywhere else.
 */
final class MockApiServer implements AutoCloseable {
    /** Where the agent finds the API server, inside the node namespace. */
    static final int NODE_PORT = 6443;

    /** Held so the level sticks: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING); // one INFO line per request otherwise
    }

    private final KubernetesMockServer server;
    private final List<Path> nodeNetns;
    /** Started by {@link #serveInPod}; closed with the server. Guarded by this. */
    private final List<NetnsForwarder> inPods = new ArrayList<>();
    /** Replaced by {@link #reconnect()}; empty while {@link #disconnect() disconnected}. Guarded by this. */
    private List<NetnsForwarder> forwarders;
    private final KubernetesClient client;
    private final Path kubeconfig;
    /** Between the agents and the server when asked for ({@link #startBehindFaultProxy}), else null. */
    private final ApiFaultProxy proxy;

    private MockApiServer(KubernetesMockServer server, List<Path> nodeNetns, List<NetnsForwarder> forwarders, Path kubeconfig,
                          ApiFaultProxy proxy) {
        this.server = server;
        this.nodeNetns = List.copyOf(nodeNetns);
        this.forwarders = forwarders;
        this.kubeconfig = kubeconfig;
        this.proxy = proxy;
        this.client = server.createClient();
    }

    static MockApiServer start(Testbed tb, Path dir) throws IOException {
        return start(List.of(tb.nodeNetnsPath()), dir);
    }

    /** One server, reachable at 127.0.0.1:{@value #NODE_PORT} inside each of the given node namespaces. */
    static MockApiServer start(List<Path> nodeNetns, Path dir) throws IOException {
        return start(nodeNetns, dir, false);
    }

    /**
     * As {@link #start(Testbed, Path)}, with an {@link ApiFaultProxy} between the node's agent and the
     * server (the test's own client talks to the server directly), to stage API server outages.
     */
    static MockApiServer startBehindFaultProxy(Testbed tb, Path dir) throws IOException {
        return start(List.of(tb.nodeNetnsPath()), dir, true, false);
    }

    /**
     * As {@link #start(Testbed, Path)}, with a store that finds an object by name without scanning
     * every stored one ({@link NameIndexedCrudDispatcher}): for tests that create tens of thousands.
     */
    static MockApiServer startIndexed(Testbed tb, Path dir) throws IOException {
        return start(List.of(tb.nodeNetnsPath()), dir, false, true);
    }

    private static MockApiServer start(List<Path> nodeNetns, Path dir, boolean faultProxy) throws IOException {
        return start(nodeNetns, dir, faultProxy, false);
    }

    private static MockApiServer start(List<Path> nodeNetns, Path dir, boolean faultProxy, boolean indexed)
            throws IOException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                indexed ? new NameIndexedCrudDispatcher() : new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        List<NetnsForwarder> forwarders;
        ApiFaultProxy proxy = null;
        try {
            InetSocketAddress direct = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort());
            if (faultProxy) proxy = ApiFaultProxy.start(direct);
            forwarders = forward(nodeNetns, agentsTarget(server, proxy));
        } catch (IOException | RuntimeException e) {
            if (proxy != null) proxy.close();
            server.destroy();
            throw e;
        }
        Files.createDirectories(dir);
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: http://127.0.0.1:%d
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: e2e
                    namespace: default
                current-context: mock
                users:
                - name: e2e
                  user: {}
                """.formatted(NODE_PORT));
        return new MockApiServer(server, nodeNetns, forwarders, kubeconfig, proxy);
    }

    /** A forwarder into each namespace, or none (each one started closed again) when one cannot start. */
    private static List<NetnsForwarder> forward(List<Path> nodeNetns, InetSocketAddress target) throws IOException {
        List<NetnsForwarder> forwarders = new ArrayList<>();
        try {
            for (Path ns : nodeNetns) {
                forwarders.add(NetnsForwarder.start(ns, new InetSocketAddress("127.0.0.1", NODE_PORT), target));
            }
        } catch (IOException | RuntimeException e) {
            forwarders.forEach(NetnsForwarder::close);
            throw e;
        }
        return List.copyOf(forwarders);
    }

    /** Where the agents' connections go: the fault proxy when there is one, else the server. */
    private static InetSocketAddress agentsTarget(KubernetesMockServer server, ApiFaultProxy proxy) {
        return proxy != null ? new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port())
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort());
    }

    /** The fault proxy in front of the server; only for {@link #startBehindFaultProxy}. */
    ApiFaultProxy proxy() {
        if (proxy == null) throw new IllegalStateException("started without a fault proxy");
        return proxy;
    }

    /**
     * The API server becomes unreachable from the node namespaces: port {@value #NODE_PORT} there is
     * closed (connections are refused), as for a node whose API server is down or not routed yet. The
     * server itself keeps running for {@link #client()}, so the test can change objects meanwhile.
     */
    synchronized void disconnect() {
        forwarders.forEach(NetnsForwarder::close);
        forwarders = List.of();
    }

    /**
     * The API server answers inside {@code pod} too, at its IPv4 address and {@code port}: a backend
     * for a Service in front of the API server (as the {@code kubernetes} Service is). Unaffected by
     * {@link #disconnect()}.
     */
    synchronized void serveInPod(dev.senda.testbed.Pod pod, int port) throws IOException {
        inPods.add(NetnsForwarder.start(pod.netnsPath(), new InetSocketAddress(pod.ip(), port),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort())));
    }

    /** A kubeconfig like {@link #kubeconfig()} whose server is {@code url} (e.g. a Service's address). */
    Path kubeconfig(String url) throws IOException {
        String text = Files.readString(kubeconfig).replace("http://127.0.0.1:" + NODE_PORT, url);
        return Files.writeString(kubeconfig.resolveSibling("kubeconfig-" + Integer.toHexString(url.hashCode())), text);
    }

    /** The API server answers in the node namespaces again, at the same address. */
    synchronized void reconnect() throws IOException {
        if (!forwarders.isEmpty()) return;
        forwarders = forward(nodeNetns, agentsTarget(server, proxy));
    }

    /** A client of the mock, in this JVM's namespace. */
    KubernetesClient client() {
        return client;
    }

    /** A kubeconfig valid inside every node namespace the server was started for. */
    Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            try {
                disconnect();
                synchronized (this) {
                    inPods.forEach(NetnsForwarder::close);
                }
                if (proxy != null) proxy.close();
            } finally {
                server.destroy();
            }
        }
    }
}
