package dev.senda.testbed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * <p>{@link #close()} stops every process this testbed started (by PID) and deletes every namespace
 * (which deletes the veths) and the cgroup, also after a half-finished {@link Builder#build()}; a
 * JVM shutdown hook does the same if the JVM exits first. Every wait is bounded.
 */
public final class Testbed implements AutoCloseable {
    /** The gateway address pods route through; it lives on every host-side veth. */
    public static final String POD_GATEWAY = "169.254.1.1";
    private static final Pattern POD_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?");
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final String prefix;
    private final int subnetOctet;
    private final Path logDir;
    private final ChildProcesses processes = new ChildProcesses();
    private final Deque<Undo> undo = new ArrayDeque<>();
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final Thread shutdownHook;
    private Path cgroupDir;
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
            if (podNames.size() > 200) throw new IllegalStateException("at most 200 pods");
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

        for (int i = 0; i < podNames.size(); i++) {
            Pod pod = new Pod(podNames.get(i), i, prefix + "-" + podNames.get(i),
                    "10.244." + subnetOctet + "." + (10 + i), prefix + "p" + i);
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
        }

        cgroupDir = Cgroup2.create(prefix);
        Path cg = cgroupDir;
        undo.push(new Undo("cgroup " + cg, () -> Cgroup2.remove(cg, Duration.ofSeconds(5))));
    }

    private static void sysctl(String netns, String key, String value) throws IOException {
        // nsenter, not `ip netns exec`: the latter remounts /sys; /proc/sys/net follows the netns either way.
        Exec.check("nsenter", "--net=" + Netns.path(netns), "sysctl", "-q", "-w", key + "=" + value);
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
            if (!netnsList.contains(p) && !links.contains(p)
                    && !Files.exists(Cgroup2.mountPoint().resolve(p))) return p;
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

    /** The processes this testbed tracks; callers may add their own (e.g. an agent) to be stopped on close. */
    public ChildProcesses processes() {
        return processes;
    }

    // ---------------------------------------------------------------- servers

    /** Transport of an echo server or a client request. */
    public enum Proto { TCP, UDP }

    /**
     * Starts an echo server in the pod answering every TCP connection / UDP datagram on {@code port}
     * with {@code "<pod> <peer-address> <port>"}, and waits (at most 5 s) until it answers.
     */
    public Process startEchoServer(Pod pod, Proto proto, int port) throws IOException {
        String reply = "SYSTEM:echo " + pod.name() + " $SOCAT_PEERADDR " + port;
        String listen = proto == Proto.TCP
                ? "TCP4-LISTEN:" + port + ",fork,reuseaddr"
                : "UDP4-RECVFROM:" + port + ",fork";
        Path log = logDir.resolve("server-" + pod.name() + "-" + proto.name().toLowerCase() + port + ".log");
        Process p = processes.track(new ProcessBuilder("nsenter", "--net=" + pod.netnsPath(), "socat", listen, reply)
                .redirectInput(ProcessBuilder.Redirect.from(Exec.nullFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .start());
        awaitServer(pod, proto, port, p, Duration.ofSeconds(5));
        return p;
    }

    /**
     * Starts a TCP server in the pod that greets every connection with {@code "<pod> <peer-address>
     * <port>"} and then echoes each line back (for {@link #openTcpSession}), waiting (at most 5 s)
     * until it answers.
     */
    public Process startStreamServer(Pod pod, int port) throws IOException {
        String reply = "SYSTEM:echo " + pod.name() + " $SOCAT_PEERADDR " + port + "; exec cat";
        Path log = logDir.resolve("server-" + pod.name() + "-stream" + port + ".log");
        Process p = processes.track(new ProcessBuilder("nsenter", "--net=" + pod.netnsPath(), "socat",
                "TCP4-LISTEN:" + port + ",fork,reuseaddr", reply)
                .redirectInput(ProcessBuilder.Redirect.from(Exec.nullFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .start());
        awaitServer(pod, Proto.TCP, port, p, Duration.ofSeconds(5));
        return p;
    }

    /**
     * Opens a long-lived TCP connection from a pod (stopped on {@link TcpSession#close()} or with the
     * testbed).
     */
    public TcpSession openTcpSession(Pod from, String ip, int port, boolean inCgroup) throws IOException {
        return new TcpSession(clientCommand(from, inCgroup,
                "socat", "-", "TCP4:" + ip + ":" + port + ",connect-timeout=3"), processes);
    }

    private void awaitServer(Pod pod, Proto proto, int port, Process server, Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("echo server " + proto + "/" + port + " in " + pod.name() + " exited " + server.exitValue());
            }
            try {
                String answer = Netns.call(pod.netnsPath(), Duration.ofSeconds(2),
                        () -> proto == Proto.TCP ? probeTcp(pod.ip(), port) : probeUdp(pod.ip(), port));
                if (answer != null && answer.startsWith(pod.name() + " ")) return;
                last = String.valueOf(answer);
            } catch (IOException e) {
                last = e.getMessage();
            }
            Cgroup2.sleep(50);
        }
        throw new IOException("echo server " + proto + "/" + port + " in " + pod.name() + " did not answer within "
                + bound.toMillis() + " ms (last: " + last + ")");
    }

    private static String probeTcp(String ip, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port), 500);
            s.setSoTimeout(1000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    private static String probeUdp(String ip, int port) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(300);
            byte[] ping = "probe\n".getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(ping, ping.length, InetAddress.ofLiteral(ip), port));
            DatagramPacket in = new DatagramPacket(new byte[512], 512);
            s.receive(in);
            return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8).strip();
        }
    }

    // ---------------------------------------------------------------- clients

    /**
     * One TCP request from a pod: connect to {@code ip:port}, half-close, read the answer.
     *
     * @param inCgroup start the client inside {@link #cgroupDir()} (socket LB applies to it)
     * @param timeout  bound for connect and for the answer; a refused connection returns at once
     */
    public ClientResult tcp(Pod from, String ip, int port, boolean inCgroup, Duration timeout) throws IOException {
        String secs = seconds(timeout);
        List<String> cmd = clientCommand(from, inCgroup,
                "socat", "-t", secs, "-T", secs, "-", "TCP4:" + ip + ":" + port + ",connect-timeout=" + secs);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Exec.nullFile())).start();
        CompletableFuture<String> out = Exec.drain(p.getInputStream());
        CompletableFuture<String> err = Exec.drain(p.getErrorStream());
        try {
            boolean done = p.waitFor(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (!done) {
                processes.stop(p, Duration.ZERO);
                return ClientResult.failure("client still running after " + ms + " ms", ms);
            }
            String answer = Exec.get(out).strip();
            if (p.exitValue() == 0 && !answer.isEmpty()) return ClientResult.success(answer, ms);
            String error = Exec.get(err).strip();
            return ClientResult.failure(error.isEmpty() ? "exit " + p.exitValue() + ", empty answer" : error, ms);
        } catch (InterruptedException e) {
            processes.stop(p, Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * One UDP request from a pod: a connected UDP socket sends one datagram to {@code ip:port} and
     * waits for the first answer line (the client is then stopped: socat would otherwise linger).
     */
    public ClientResult udp(Pod from, String ip, int port, boolean inCgroup, Duration timeout) throws IOException {
        String secs = seconds(timeout);
        List<String> cmd = clientCommand(from, inCgroup, "socat", "-T", secs, "-", "UDP4:" + ip + ":" + port);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                line.complete(r.readLine());
            } catch (IOException e) {
                line.complete(null);
            }
        });
        CompletableFuture<String> err = Exec.drain(p.getErrorStream());
        try {
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write("ping\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                // stdin stays open until the answer arrived: an EOF would make socat stop waiting for it.
                String answer = line.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (answer != null && !answer.isBlank()) return ClientResult.success(answer.strip(), ms);
            } catch (java.util.concurrent.TimeoutException e) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                processes.stop(p, Duration.ZERO);
                return ClientResult.failure("no UDP answer within " + ms + " ms", ms);
            } catch (java.util.concurrent.ExecutionException | IOException e) {
                // the client died before reading stdin (e.g. ICMP unreachable): stderr says why
            }
            processes.stop(p, Duration.ofMillis(500));
            long ms = (System.nanoTime() - start) / 1_000_000;
            String error = Exec.get(err).strip();
            return ClientResult.failure(error.isEmpty() ? "no UDP answer" : error, ms);
        } catch (InterruptedException e) {
            processes.stop(p, Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            if (p.isAlive()) processes.stop(p, Duration.ZERO);
        }
    }

    /** One request of either transport. */
    public ClientResult request(Proto proto, Pod from, String ip, int port, boolean inCgroup, Duration timeout)
            throws IOException {
        return proto == Proto.TCP ? tcp(from, ip, port, inCgroup, timeout) : udp(from, ip, port, inCgroup, timeout);
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

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.3f", Math.max(0.1, d.toMillis() / 1000.0));
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
        processes.stopAll(STOP_GRACE);
        killCgroupMembers();
        List<String> failures = new ArrayList<>();
        while (!undo.isEmpty()) {
            Undo u = undo.pop();
            try {
                u.action().run();
            } catch (IOException | RuntimeException e) {
                failures.add(u.what() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) throw new IllegalStateException("testbed " + prefix + " cleanup failed: " + failures);
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
