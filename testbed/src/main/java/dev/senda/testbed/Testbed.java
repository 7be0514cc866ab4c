package dev.senda.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Kubernetes node built from network namespaces, for end-to-end runs of the real agent.
 *
 * <pre>
 *   netns &lt;prefix&gt;-node  (the agent runs here: nsenter --net=/run/netns/&lt;prefix&gt;-node)
 *     lo up, ip_forward=1, rp_filter=0
 *     &lt;prefix&gt;p0 ── veth ── eth0 in netns &lt;prefix&gt;-&lt;pod0&gt;   10.244.N.10/32
 *     &lt;prefix&gt;p1 ── veth ── eth0 in netns &lt;prefix&gt;-&lt;pod1&gt;   10.244.N.11/32
 *     ...
 *     route 10.244.N.1i/32 dev &lt;prefix&gt;pi         (one /32 per pod)
 *     169.254.1.1/32 on every &lt;prefix&gt;pi          (the pods' gateway, as Cilium/Calico do)
 *   pod: default via 169.254.1.1 dev eth0
 *   cgroup &lt;cgroup2 mount&gt;/&lt;prefix&gt;             (--cgroup-root; clients may be started inside)
 * </pre>
 *
 * Nothing is added to the root namespace: the veth pairs are created directly between the node and
 * the pod namespaces, so pod addresses exist only inside namespaces this class created and the /24
 * cannot clash with the host (it is still chosen among ranges the host does not route, to avoid
 * confusing anyone reading {@code ip route}). Names carry a per-run prefix {@code sd<4 hex>}, so
 * parallel runs do not collide; {@link #podDeviceGlob()} ({@code <prefix>p*}) is the agent's
 * {@code --pod-devices}.
 *
 * <p>Backends are {@link EchoServer}s: sockets created inside the pod namespaces, served by this JVM.
 * Clients are {@link PodClient} processes started in a pod's namespace, optionally inside the
 * cgroup (socket LB applies to processes in it, whatever their namespace).
 *
 * <p>{@link #close()} stops every process this testbed started (by PID) and deletes every namespace
 * (which deletes the veths) and the cgroup, also after a half-finished {@link Builder#build()}; a
 * JVM shutdown hook does the same if the JVM exits first, and the next {@link Builder#build()}
 * removes what a killed JVM could not ({@link RunMarkers}). Every wait is bounded.
 */
public final class Testbed implements AutoCloseable {
    /** The gateway address pods route through; it lives on every host-side veth. */
    public static final String POD_GATEWAY = "169.254.1.1";
    private static final Pattern POD_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?");
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final String prefix;
    private final int subnetOctet;
    private final Path logDir;
    private final ChildProcesses processes;
    private final Deque<Undo> undo = new ArrayDeque<>();
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final List<EchoServer> servers = new ArrayList<>();
    private final Map<String, PodClient> clients = new HashMap<>();
    private final Deque<AutoCloseable> closeFirst = new ArrayDeque<>();
    private final Thread shutdownHook;
    private Path cgroupDir;
    private int nextPodIndex;
    private boolean closed;

    private record Undo(String what, IoAction action) {
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private Testbed(String prefix, int subnetOctet, Path logDir) {
        this.prefix = prefix;
        this.subnetOctet = subnetOctet;
        this.logDir = logDir;
        this.processes = new ChildProcesses(pid -> RunMarkers.recordChild(prefix, pid));
        this.shutdownHook = new Thread(this::closeQuietly, "testbed-" + prefix + "-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures and builds a testbed. */
    public static final class Builder {
        private final List<String> podNames = new ArrayList<>();
        private Integer subnetOctet;
        private Path logDir;

        /** Pod names (lower-case DNS labels); pod i gets address 10.244.N.(10+i). */
        public Builder pods(String... names) {
            for (String n : names) {
                if (!POD_NAME.matcher(n).matches()) throw new IllegalArgumentException("bad pod name '" + n + "'");
                if (podNames.contains(n)) throw new IllegalArgumentException("duplicate pod name '" + n + "'");
                podNames.add(n);
            }
            return this;
        }

        /**
         * Fixes the pod range to 10.244.{@code octet}.0/24 (the demo does, so its example YAML can name
         * pod addresses); by default a random range the host does not route is chosen.
         */
        public Builder subnet(int octet) {
            if (octet < 0 || octet > 255) throw new IllegalArgumentException("octet " + octet);
            this.subnetOctet = octet;
            return this;
        }

        /** Where server and client logs go (default: a new temporary directory). */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        /**
         * Creates everything; on any failure undoes what was already created and rethrows.
         *
         * @throws IOException when a command fails (the message names it and its stderr)
         */
        public Testbed build() throws IOException {
            if (podNames.isEmpty()) throw new IllegalStateException("a testbed needs at least one pod");
            for (String stale : RunMarkers.sweepStale()) {
                System.err.println("testbed: removed what a killed run left behind under prefix " + stale);
            }
            String prefix = uniquePrefix();
            int octet = subnetOctet != null ? subnetOctet : freeOctet();
            Path dir = logDir != null ? logDir : Files.createTempDirectory("senda-testbed-" + prefix + "-");
            Files.createDirectories(dir);
            Testbed tb = new Testbed(prefix, octet, dir);
            try {
                tb.create(podNames);
                return tb;
            } catch (IOException | RuntimeException e) {
                try {
                    tb.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- construction

    private void create(List<String> podNames) throws IOException {
        String node = nodeNetns();
        Exec.check("ip", "netns", "add", node);
        undo.push(new Undo("netns " + node, () -> deleteNetns(node)));
        Exec.check("ip", "-n", node, "link", "set", "lo", "up");
        sysctl(node, "net.ipv4.ip_forward", "1");
        sysctl(node, "net.ipv4.conf.all.rp_filter", "0");
        sysctl(node, "net.ipv4.conf.default.rp_filter", "0");

        for (String name : podNames) createPod(name);

        cgroupDir = Cgroup2.create(prefix);
        Path cg = cgroupDir;
        undo.push(new Undo("cgroup " + cg, () -> Cgroup2.remove(cg, Duration.ofSeconds(5))));
    }

    private Pod createPod(String name) throws IOException {
        int i = nextPodIndex++;
        if (i > 200) throw new IllegalStateException("at most 200 pods per testbed");
        String node = nodeNetns();
        Pod pod = new Pod(name, i, prefix + "-" + name, "10.244." + subnetOctet + "." + (10 + i), prefix + "p" + i);
        Exec.check("ip", "netns", "add", pod.netns());
        undo.push(new Undo("netns " + pod.netns(), () -> deleteNetns(pod.netns())));
        Exec.check("ip", "-n", pod.netns(), "link", "set", "lo", "up");
        // Both ends are born inside their namespaces: nothing ever appears in the root namespace.
        Exec.check("ip", "link", "add", pod.hostDevice(), "netns", node, "type", "veth",
                "peer", "name", "eth0", "netns", pod.netns());
        Exec.check("ip", "-n", node, "addr", "add", POD_GATEWAY + "/32", "dev", pod.hostDevice());
        Exec.check("ip", "-n", node, "link", "set", pod.hostDevice(), "up");
        Exec.check("ip", "-n", pod.netns(), "addr", "add", pod.ip() + "/32", "dev", "eth0");
        Exec.check("ip", "-n", pod.netns(), "link", "set", "eth0", "up");
        Exec.check("ip", "-n", pod.netns(), "route", "add", POD_GATEWAY, "dev", "eth0", "scope", "link");
        Exec.check("ip", "-n", pod.netns(), "route", "add", "default", "via", POD_GATEWAY, "dev", "eth0");
        Exec.check("ip", "-n", node, "route", "add", pod.ip() + "/32", "dev", pod.hostDevice());
        pods.put(pod.name(), pod);
        return pod;
    }

    /**
     * Adds a pod to a running node (its host-side device appears while the agent runs, as a new
     * pod's veth would). Names and addresses continue the sequence; an index is never reused.
     */
    public synchronized Pod addPod(String name) throws IOException {
        if (closed) throw new IllegalStateException("testbed " + prefix + " is closed");
        if (!POD_NAME.matcher(name).matches() || pods.containsKey(name)) {
            throw new IllegalArgumentException("bad or duplicate pod name '" + name + "'");
        }
        return createPod(name);
    }

    /**
     * Deletes a pod: its client processes are stopped and its namespace removed (with it the veth,
     * so the host-side device disappears under the agent). Its echo servers are closed.
     */
    public synchronized void removePod(String name) throws IOException {
        Pod pod = pod(name);
        for (var it = clients.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().pod().equals(pod)) {
                e.getValue().close();
                it.remove();
            }
        }
        for (var it = servers.iterator(); it.hasNext(); ) {
            EchoServer server = it.next();
            if (server.pod().equals(pod)) {
                server.close();
                it.remove();
            }
        }
        deleteNetns(pod.netns());
        pods.remove(name);
    }

    /**
     * Writes a net sysctl of the namespace: /proc/sys/net resolves to the namespace of the thread
     * that opens it, so a thread inside the namespace writes it (no sysctl binary needed).
     */
    private static void sysctl(String netns, String key, String value) throws IOException {
        Path file = Path.of("/proc/sys", key.replace('.', '/'));
        Netns.call(Netns.path(netns), Duration.ofSeconds(5), () -> Files.writeString(file, value + "\n"));
    }

    private static void deleteNetns(String name) throws IOException {
        if (Files.exists(Netns.path(name))) Exec.check("ip", "netns", "del", name);
    }

    private static String uniquePrefix() throws IOException {
        SecureRandom random = new SecureRandom();
        String netnsList = Exec.check("ip", "netns", "list").stdout();
        String links = Exec.check("ip", "-o", "link", "show").stdout();
        for (int attempt = 0; attempt < 50; attempt++) {
            byte[] b = new byte[2];
            random.nextBytes(b);
            String p = "sd" + HexFormat.of().formatHex(b);
            if (!netnsList.contains(p) && !links.contains(p) && !Files.exists(Cgroup2.mountPoint().resolve(p))
                    && !Files.exists(Path.of("/sys/fs/bpf", p)) && RunMarkers.tryMark(p)) return p;
        }
        throw new IOException("no free sd<hex> prefix found in 50 attempts");
    }

    /** A random 10.244.N.0/24 that no root-namespace route or address overlaps (10.244.0.0/16 as a whole neither). */
    private static int freeOctet() throws IOException {
        String routes = Exec.check("ip", "-4", "route", "show", "table", "all").stdout()
                + Exec.check("ip", "-4", "-o", "addr", "show").stdout();
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; attempt < 100; attempt++) {
            int octet = 1 + random.nextInt(254);
            if (!routes.contains("10.244." + octet + ".")) return octet;
        }
        throw new IOException("no unused 10.244.N.0/24 found in 100 attempts");
    }

    // ---------------------------------------------------------------- accessors

    /** The per-run prefix {@code sd<4 hex>} every name starts with. */
    public String prefix() {
        return prefix;
    }

    /** The node's network namespace name (run the agent there). */
    public String nodeNetns() {
        return prefix + "-node";
    }

    public Path nodeNetnsPath() {
        return Netns.path(nodeNetns());
    }

    /** The cgroup v2 directory for the agent's {@code --cgroup-root}. */
    public Path cgroupDir() {
        return cgroupDir;
    }

    /** The glob matching every host-side pod device, for {@code --pod-devices}. */
    public String podDeviceGlob() {
        return prefix + "p*";
    }

    /** The pods' /24, e.g. {@code 10.244.17.0/24}. */
    public String podCidr() {
        return "10.244." + subnetOctet + ".0/24";
    }

    public Path logDir() {
        return logDir;
    }

    public List<Pod> pods() {
        return List.copyOf(pods.values());
    }

    public Pod pod(String name) {
        Pod p = pods.get(name);
        if (p == null) throw new IllegalArgumentException("no pod '" + name + "' (have " + pods.keySet() + ")");
        return p;
    }

    /**
     * Registers something to close before the testbed stops its processes and deletes its namespaces
     * (e.g. an agent, whose cleanup must run while the node still exists); closed in reverse order of
     * registration, also from the shutdown hook.
     */
    public synchronized void closeFirst(AutoCloseable resource) {
        if (closed) throw new IllegalStateException("testbed " + prefix + " is closed");
        closeFirst.push(resource);
    }

    /** The processes this testbed tracks; callers may add their own (e.g. an agent) to be stopped on close. */
    public ChildProcesses processes() {
        return processes;
    }

    // ---------------------------------------------------------------- servers

    /** Transport of an echo server or a client request. */
    public enum Proto { TCP, UDP }

    /**
     * Starts an echo server in the pod answering every TCP connection / UDP datagram on {@code port}
     * with {@code "<pod> <peer-address> <port>"} (see {@link EchoServer}); it serves as soon as this returns.
     */
    public EchoServer startEchoServer(Pod pod, Proto proto, int port) throws IOException {
        return track(EchoServer.start(pod, proto == Proto.TCP ? EchoServer.Mode.TCP : EchoServer.Mode.UDP, port));
    }

    /**
     * Starts a TCP server in the pod that greets every connection with {@code "<pod> <peer-address>
     * <port>"} and then echoes each line back (for {@link #openTcpSession}).
     */
    public EchoServer startStreamServer(Pod pod, int port) throws IOException {
        return track(EchoServer.start(pod, EchoServer.Mode.STREAM, port));
    }

    private synchronized EchoServer track(EchoServer server) {
        if (closed) {
            server.close();
            throw new IllegalStateException("testbed " + prefix + " is closed");
        }
        servers.add(server);
        return server;
    }

    /** Every echo server started so far (e.g. to check how many requests each served). */
    public synchronized List<EchoServer> servers() {
        return List.copyOf(servers);
    }

    // ---------------------------------------------------------------- clients

    /**
     * The long-lived client process of a pod (started on first use, at most 60 s), inside the cgroup
     * or not. Each (pod, inCgroup) pair has one client; requests through it are serialized.
     */
    public synchronized PodClient client(Pod from, boolean inCgroup) throws IOException {
        if (closed) throw new IllegalStateException("testbed " + prefix + " is closed");
        String key = from.name() + (inCgroup ? "@cgroup" : "");
        PodClient c = clients.get(key);
        if (c != null && c.isAlive()) return c;
        Path log = logDir.resolve("client-" + key.replace('@', '-') + ".log");
        c = PodClient.start(from, inCgroup, clientCommand(from, inCgroup), processes, log, Duration.ofSeconds(60));
        clients.put(key, c);
        return c;
    }

    /** One TCP request from a pod (see {@link PodClient#tcp}); a refused connection returns at once. */
    public ClientResult tcp(Pod from, String ip, int port, boolean inCgroup, Duration timeout) throws IOException {
        return client(from, inCgroup).tcp(ip, port, timeout);
    }

    /** One UDP request from a pod on a connected socket. */
    public ClientResult udp(Pod from, String ip, int port, boolean inCgroup, Duration timeout) throws IOException {
        return client(from, inCgroup).udp(ip, port, timeout);
    }

    /** One request of either transport. */
    public ClientResult request(Proto proto, Pod from, String ip, int port, boolean inCgroup, Duration timeout)
            throws IOException {
        return proto == Proto.TCP ? tcp(from, ip, port, inCgroup, timeout) : udp(from, ip, port, inCgroup, timeout);
    }

    /**
     * Opens a long-lived TCP connection from a pod (a socat process; stopped on
     * {@link TcpSession#close()} or with the testbed).
     */
    public TcpSession openTcpSession(Pod from, String ip, int port, boolean inCgroup) throws IOException {
        return new TcpSession(clientCommand(from, inCgroup,
                "socat", "-", "TCP4:" + ip + ":" + port + ",connect-timeout=3"), processes);
    }

    /**
     * The command line that runs {@code argv} in the pod's namespace, optionally inside the cgroup:
     * the shell writes its own PID to cgroup.procs and then execs, so the client never runs outside it.
     */
    public List<String> clientCommand(Pod from, boolean inCgroup, String... argv) {
        List<String> cmd = new ArrayList<>();
        if (inCgroup) {
            cmd.addAll(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", cgroupDir.resolve("cgroup.procs").toString()));
        }
        cmd.add("nsenter");
        cmd.add("--net=" + from.netnsPath());
        cmd.addAll(List.of(argv));
        return cmd;
    }

    // ---------------------------------------------------------------- cleanup

    /**
     * Stops every tracked process, then deletes the cgroup and every namespace (and with them the
     * veths), in reverse order of creation. Idempotent.
     *
     * @throws IllegalStateException listing what could not be removed (after trying everything)
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // we are the hook, or the JVM is exiting: nothing to remove
        }
        List<String> failures = new ArrayList<>();
        while (!closeFirst.isEmpty()) {
            AutoCloseable c = closeFirst.pop();
            try {
                c.close();
            } catch (Exception e) {
                failures.add(c + ": " + e.getMessage());
            }
        }
        processes.stopAll(STOP_GRACE);
        servers.forEach(EchoServer::close);
        killCgroupMembers();
        while (!undo.isEmpty()) {
            Undo u = undo.pop();
            try {
                u.action().run();
            } catch (IOException | RuntimeException e) {
                failures.add(u.what() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) throw new IllegalStateException("testbed " + prefix + " cleanup failed: " + failures);
        RunMarkers.unmark(prefix);
    }

    /**
     * Only our own clients were ever placed in our cgroup; any still there (a client the JVM lost
     * track of) is ours to stop, by PID.
     */
    private void killCgroupMembers() {
        if (cgroupDir == null) return;
        try {
            for (long pid : Cgroup2.pids(cgroupDir)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException e) {
            // the directory is gone already
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "Testbed[" + prefix + ", node " + nodeNetns() + ", pods " + podCidr() + " " + pods.keySet() + "]";
    }
}
