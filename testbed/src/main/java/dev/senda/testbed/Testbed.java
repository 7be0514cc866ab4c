package dev.senda.testbed;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

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
 * A Kubernetes node built from network namespaces, for end-to-end runs of the real agent. Every pod
 * is dual-stack: an IPv4 and an IPv6 address, a default route of each family through the node
 * (addresses: {@link AddressPlan}).
 *
 * <pre>
 *   netns &lt;prefix&gt;-node  (the agent runs here: nsenter --net=/run/netns/&lt;prefix&gt;-node)
 *     lo up, 10.244.N.1/32 and fd00:10:244:N::1/128 on lo (the node's own addresses)
 *     ip_forward=1, rp_filter=0, ipv6 forwarding=1, accept_dad=0
 *     &lt;prefix&gt;p0 ── veth ── eth0 in netns &lt;prefix&gt;-&lt;pod0&gt;   10.244.N.10/32, fd00:10:244:N::10/128
 *     &lt;prefix&gt;p1 ── veth ── eth0 in netns &lt;prefix&gt;-&lt;pod1&gt;   10.244.N.11/32, fd00:10:244:N::11/128
 *     ...
 *     route 10.244.N.1i/32 dev &lt;prefix&gt;pi, route fd00:10:244:N::1i/128 dev &lt;prefix&gt;pi   (one per pod)
 *     169.254.1.1/32 and fe80::1/64 on every &lt;prefix&gt;pi         (the pods' gateways, as Calico/Cilium do)
 *   pod: default via 169.254.1.1 dev eth0 (ARP answers it: the node owns the address)
 *        default via fe80::1 dev eth0, neighbour fe80::1 lladdr &lt;host veth MAC&gt; permanent, accept_dad=0
 *   cgroup &lt;cgroup2 mount&gt;/&lt;prefix&gt;             (--cgroup-root; clients may be started inside)
 * </pre>
 *
 * IPv6 details, and why: DAD is off in every namespace (accept_dad=0 before the veths exist, and
 * {@code nodad} on every address), so no address is ever "tentative" and a pod can talk the moment
 * the testbed is built. The IPv6 gateway is a link-local address the node owns on every host-side
 * veth (the IPv6 twin of 169.254.1.1), and the pod also gets a permanent neighbour entry for it: the
 * pod's first packet never waits for neighbour discovery. The node resolves pods by ordinary NDP, as
 * it resolves their IPv4 addresses by ARP. Host-side veths have fixed MACs ({@code 02:5d:..}) so the
 * neighbour entry is known before the link exists.
 *
 * <p>With {@link Builder#cni(CniPlugin)} the real CNI plugins make each pod's network instead (see
 * {@link Cni}): the node namespace is the runtime's, the pod namespace is created first and handed to
 * the plugin's ADD, and DEL runs before it is deleted; addresses come from host-local (from .10 up).
 *
 * <p>Nothing is added to the root namespace: the veth pairs are created directly between the node and
 * the pod namespaces, so pod addresses exist only inside namespaces this class created and the ranges
 * cannot clash with the host (N is still chosen among ranges the host does not route, for both
 * families, to avoid confusing anyone reading {@code ip route}). Names carry a per-run prefix
 * {@code sd<4 hex>}, so parallel runs do not collide; {@link #podDeviceGlob()} ({@code <prefix>p*})
 * is the agent's {@code --pod-devices}.
 *
 * <p>Backends are {@link EchoServer}s: sockets created inside the pod namespaces, served by this JVM.
 * Clients are {@link PodClient} processes started in a pod's namespace, optionally inside the
 * cgroup (socket LB applies to processes in it, whatever their namespace).
 *
 * <p>A {@link Cluster} builds several testbeds under one prefix: node {@code <name>}'s namespace is then
 * {@code <prefix>-<name>}, its cgroup {@code <cgroup2>/<prefix>/<name>} and its pin root
 * {@code /sys/fs/bpf/<prefix>/<name>} ({@link #nodeName()}, {@link #bpffsRoot()}), and the cluster
 * adds the node network's link ({@code eth0}) and routes.
 *
 * <p>{@link #close()} stops every process this testbed started (by PID) and deletes every namespace
 * (which deletes the veths) and the cgroup, also after a half-finished {@link Builder#build()}; a
 * JVM shutdown hook does the same if the JVM exits first, and the next {@link Builder#build()}
 * removes what a killed JVM could not ({@link RunMarkers}). Every wait is bounded.
 */
public final class Testbed implements AutoCloseable {
    /** The IPv4 gateway address pods route through; it lives on every host-side veth. */
    public static final String POD_GATEWAY = AddressPlan.GATEWAY_IPV4;
    /** The IPv6 gateway address pods route through (link-local); it lives on every host-side veth. */
    public static final String POD_GATEWAY6 = AddressPlan.GATEWAY_IPV6;
    private static final Pattern POD_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?");
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final String prefix;
    /** Null for a standalone testbed (names as before); the node's Kubernetes name inside a {@link Cluster}. */
    private final String clusterNode;
    private final AddressPlan addresses;
    private final Path logDir;
    private final ChildProcesses processes;
    private final Deque<Undo> undo = new ArrayDeque<>();
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final List<EchoServer> servers = new ArrayList<>();
    private final Map<String, PodClient> clients = new HashMap<>();
    private final Deque<AutoCloseable> closeFirst = new ArrayDeque<>();
    private final Thread shutdownHook;
    /** Null: pods get the testbed's own veths; else the CNI plugins make each pod's network. */
    private final Cni cni;
    private Path cgroupDir;
    private int nextPodIndex;
    private boolean closed;

    private record Undo(String what, IoAction action) {
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private Testbed(String prefix, String clusterNode, AddressPlan addresses, Path logDir, CniPlugin cniPlugin, int cniMtu) {
        this.prefix = prefix;
        this.clusterNode = clusterNode;
        this.addresses = addresses;
        this.logDir = logDir;
        this.cni = cniPlugin == null ? null
                : new Cni(cniPlugin, prefix, clusterNode == null ? "node" : clusterNode, nodeNetns(), addresses, cniMtu);
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
        private String clusterPrefix;
        private String clusterNode;
        private CniPlugin cniPlugin;
        private int cniMtu;

        /**
         * Pods get their network from the real CNI plugin {@code plugin} with host-local IPAM (see
         * {@link Cni}) instead of the testbed's own veths: their addresses are the ones the plugin's
         * result names, their host-side devices {@code veth<8 hex>} ({@link #podDeviceGlob()}).
         */
        public Builder cni(CniPlugin plugin) {
            this.cniPlugin = plugin;
            return this;
        }

        /** The pods' MTU under CNI (an overlay's is smaller than the node network's); 0: the plugin's default. */
        Builder cniMtu(int mtu) {
            this.cniMtu = mtu;
            return this;
        }

        /**
         * Builds node {@code nodeName} of a {@link Cluster} whose run prefix {@code prefix} is already
         * claimed: names become {@code <prefix>-<nodeName>} (namespace), {@code <cgroup2>/<prefix>/<nodeName>}
         * (the cgroup's parent must exist) and {@code /sys/fs/bpf/<prefix>/<nodeName>}; the cluster, not
         * this testbed, owns the prefix's marker.
         */
        Builder clusterNode(String prefix, String nodeName) {
            this.clusterPrefix = prefix;
            this.clusterNode = nodeName;
            return this;
        }

        /** Pod names (lower-case DNS labels); pod i gets addresses 10.244.N.(10+i) and fd00:10:244:N::(10+i). */
        public Builder pods(String... names) {
            for (String n : names) {
                if (!POD_NAME.matcher(n).matches()) throw new IllegalArgumentException("bad pod name '" + n + "'");
                if (podNames.contains(n)) throw new IllegalArgumentException("duplicate pod name '" + n + "'");
                podNames.add(n);
            }
            return this;
        }

        /**
         * Fixes the pod ranges to 10.244.{@code octet}.0/24 and fd00:10:244:{@code octet}::/64 (the demo
         * does, so its example YAML can name pod addresses); by default a random N whose ranges the
         * host routes in neither family is chosen.
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
            requireIpv6();
            if (cniPlugin != null) Cni.requireInstalled(cniPlugin);
            if (clusterPrefix == null) sweepStaleRuns();
            String prefix = clusterPrefix != null ? clusterPrefix : uniquePrefix();
            int octet = subnetOctet != null ? subnetOctet : freeOctet();
            Path dir = logDir != null ? logDir : Files.createTempDirectory("senda-testbed-" + prefix + "-");
            Files.createDirectories(dir);
            Testbed tb = new Testbed(prefix, clusterNode, new AddressPlan(octet), dir, cniPlugin, cniMtu);
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

    /** Removes what killed runs left behind (see {@link RunMarkers}), saying so on stderr. */
    static void sweepStaleRuns() {
        for (String stale : RunMarkers.sweepStale()) {
            System.err.println("testbed: removed what a killed run left behind under prefix " + stale);
        }
    }

    private void create(List<String> podNames) throws IOException {
        String node = nodeNetns();
        Exec.check("ip", "netns", "add", node);
        undo.push(new Undo("netns " + node, () -> deleteNetns(node)));
        sysctl(node, Map.of(
                "net.ipv4.ip_forward", "1",
                "net.ipv4.conf.all.rp_filter", "0",
                "net.ipv4.conf.default.rp_filter", "0",
                "net.ipv6.conf.all.forwarding", "1"));
        sysctl(node, IPV6_NOW);
        Exec.check("ip", "-n", node, "link", "set", "lo", "up");
        Exec.check("ip", "-n", node, "addr", "add", addresses.node(IpFamily.IPV4) + "/32", "dev", "lo");
        Exec.check("ip", "-n", node, "addr", "add", addresses.node(IpFamily.IPV6) + "/128", "dev", "lo", "nodad");

        if (cni != null) undo.push(new Undo("CNI state " + cni.dataDir(), cni::deleteDataDir));
        for (String name : podNames) createPod(name);

        cgroupDir = Cgroup2.create(clusterNode == null ? prefix : prefix + "/" + clusterNode);
        Path cg = cgroupDir;
        undo.push(new Undo("cgroup " + cg, () -> Cgroup2.remove(cg, Duration.ofSeconds(5))));
    }

    private Pod createPod(String name) throws IOException {
        int i = nextPodIndex++;
        if (i >= AddressPlan.MAX_PODS) throw new IllegalStateException("at most " + AddressPlan.MAX_PODS + " pods per testbed");
        return cni != null ? createCniPod(name, i) : createVethPod(name, i);
    }

    /**
     * A pod whose network the CNI plugin makes, as a container runtime would: the namespace first
     * (loopback up, DAD off so the plugin's addresses are usable at once), then ADD; DEL is undone
     * before the namespace goes (host-local frees the addresses).
     */
    private Pod createCniPod(String name, int i) throws IOException {
        String netns = prefix + "-" + name;
        Exec.check("ip", "netns", "add", netns);
        undo.push(new Undo("netns " + netns, () -> deleteNetns(netns)));
        sysctl(netns, IPV6_NOW);
        Exec.check("ip", "-n", netns, "link", "set", "lo", "up");
        String containerId = containerId(name);
        undo.push(new Undo("CNI DEL " + name, () -> {
            if (pods.containsKey(name)) cni.del(containerId, netns);
        }));
        Cni.Attachment a = cni.add(containerId, netns);
        Pod pod = new Pod(name, i, netns, a.ipv4(), a.ipv6(), a.hostDevice(), nodeName());
        pods.put(pod.name(), pod);
        return pod;
    }

    /** The runtime's container ID of a pod: unique per run, node and pod (host-local records it). */
    private String containerId(String podName) {
        return prefix + "-" + nodeName() + "-" + podName;
    }

    private Pod createVethPod(String name, int i) throws IOException {
        String node = nodeNetns();
        Pod pod = new Pod(name, i, prefix + "-" + name, addresses.pod(IpFamily.IPV4, i), addresses.pod(IpFamily.IPV6, i),
                prefix + "p" + i, nodeName());
        Exec.check("ip", "netns", "add", pod.netns());
        undo.push(new Undo("netns " + pod.netns(), () -> deleteNetns(pod.netns())));
        sysctl(pod.netns(), IPV6_NOW); // before eth0 exists, so its link-local address skips DAD too
        Exec.check("ip", "-n", pod.netns(), "link", "set", "lo", "up");
        // Both ends are born inside their namespaces: nothing ever appears in the root namespace.
        String hostMac = mac(0, i);
        Exec.check("ip", "link", "add", pod.hostDevice(), "address", hostMac, "netns", node, "type", "veth",
                "peer", "name", "eth0", "address", mac(1, i), "netns", pod.netns());
        Exec.check("ip", "-n", node, "addr", "add", POD_GATEWAY + "/32", "dev", pod.hostDevice());
        Exec.check("ip", "-n", node, "addr", "add", POD_GATEWAY6 + "/64", "dev", pod.hostDevice(), "nodad");
        Exec.check("ip", "-n", node, "link", "set", pod.hostDevice(), "up");
        Exec.check("ip", "-n", pod.netns(), "addr", "add", pod.ip() + "/32", "dev", "eth0");
        Exec.check("ip", "-n", pod.netns(), "addr", "add", pod.ipv6() + "/128", "dev", "eth0", "nodad");
        Exec.check("ip", "-n", pod.netns(), "link", "set", "eth0", "up");
        Exec.check("ip", "-n", pod.netns(), "route", "add", POD_GATEWAY, "dev", "eth0", "scope", "link");
        Exec.check("ip", "-n", pod.netns(), "route", "add", "default", "via", POD_GATEWAY, "dev", "eth0");
        Exec.check("ip", "-n", pod.netns(), "-6", "neigh", "add", POD_GATEWAY6, "lladdr", hostMac, "dev", "eth0",
                "nud", "permanent");
        Exec.check("ip", "-n", pod.netns(), "-6", "route", "add", "default", "via", POD_GATEWAY6, "dev", "eth0");
        Exec.check("ip", "-n", node, "route", "add", pod.ip() + "/32", "dev", pod.hostDevice());
        Exec.check("ip", "-n", node, "-6", "route", "add", pod.ipv6() + "/128", "dev", pod.hostDevice());
        pods.put(pod.name(), pod);
        return pod;
    }

    /**
     * A locally administered unicast MAC for pod {@code index}'s veth end ({@code side} 0: host, 1:
     * pod): {@code 02:5d:<prefix's 2 bytes>:<side>:<index>}, unique within the run.
     */
    private String mac(int side, int index) {
        return String.format("02:5d:%s:%s:%02x:%02x", prefix.substring(2, 4), prefix.substring(4, 6), side, index);
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
        if (cni != null) cni.del(containerId(name), pod.netns());
        pods.remove(name);
        deleteNetns(pod.netns());
    }

    /**
     * IPv6 on, and duplicate address detection off, for links created after this: addresses are
     * usable at once instead of "tentative" for a second or more.
     */
    static final Map<String, String> IPV6_NOW = Map.of(
            "net.ipv6.conf.all.disable_ipv6", "0",
            "net.ipv6.conf.default.disable_ipv6", "0",
            "net.ipv6.conf.all.accept_dad", "0",
            "net.ipv6.conf.default.accept_dad", "0");

    /**
     * Writes net sysctls of the namespace: /proc/sys/net resolves to the namespace of the thread that
     * opens it, so one thread inside the namespace writes them all (no sysctl binary needed).
     */
    static void sysctl(String netns, Map<String, String> values) throws IOException {
        Netns.call(Netns.path(netns), Duration.ofSeconds(5), () -> {
            for (var e : values.entrySet()) {
                Files.writeString(Path.of("/proc/sys", e.getKey().replace('.', '/')), e.getValue() + "\n");
            }
            return null;
        });
    }

    /** Every pod gets an IPv6 address: fail clearly, before creating anything, where the kernel has no IPv6. */
    static void requireIpv6() throws IOException {
        if (!Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            throw new IOException("this kernel has no IPv6 (booted with ipv6.disable=1?): the testbed gives every pod an "
                    + "IPv6 address");
        }
    }

    static void deleteNetns(String name) throws IOException {
        if (Files.exists(Netns.path(name))) Exec.check("ip", "netns", "del", name);
    }

    static String uniquePrefix() throws IOException {
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

    /**
     * A random N whose 10.244.N.0/24 and fd00:10:244:N::/64 no root-namespace route or address
     * overlaps (nor 10.244.0.0/16 or fd00:10:244::/48 as a whole, which would show as N = 0).
     */
    private static int freeOctet() throws IOException {
        String v4 = Exec.check("ip", "-4", "route", "show", "table", "all").stdout()
                + Exec.check("ip", "-4", "-o", "addr", "show").stdout();
        String v6 = Exec.check("ip", "-6", "route", "show", "table", "all").stdout()
                + Exec.check("ip", "-6", "-o", "addr", "show").stdout();
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; attempt < 100; attempt++) {
            int octet = 1 + random.nextInt(254);
            if (!v4.contains("10.244." + octet + ".") && !v6.contains("fd00:10:244:" + octet + ":")) return octet;
        }
        throw new IOException("no unused 10.244.N.0/24 + fd00:10:244:N::/64 found in 100 attempts");
    }

    // ---------------------------------------------------------------- accessors

    /** The per-run prefix {@code sd<4 hex>} every name starts with. */
    public String prefix() {
        return prefix;
    }

    /** The node's network namespace name (run the agent there): {@code <prefix>-node}, in a cluster {@code <prefix>-<node name>}. */
    public String nodeNetns() {
        return clusterNode == null ? prefix + "-node" : prefix + "-" + clusterNode;
    }

    /**
     * The node's Kubernetes name (the agent's {@code --node-name}, EndpointSlices' {@code nodeName}):
     * {@value Pod#SINGLE_NODE} for a standalone testbed.
     */
    public String nodeName() {
        return clusterNode == null ? Pod.SINGLE_NODE : clusterNode;
    }

    /**
     * A pin root no other run or node uses, for the agent's {@code --bpffs-root}:
     * {@code /sys/fs/bpf/<prefix>}, in a cluster {@code /sys/fs/bpf/<prefix>/<node name>}.
     */
    public Path bpffsRoot() {
        Path run = Path.of("/sys/fs/bpf", prefix);
        return clusterNode == null ? run : run.resolve(clusterNode);
    }

    public Path nodeNetnsPath() {
        return Netns.path(nodeNetns());
    }

    /** The cgroup v2 directory for the agent's {@code --cgroup-root}. */
    public Path cgroupDir() {
        return cgroupDir;
    }

    /**
     * The glob matching every host-side pod device, for {@code --pod-devices}: {@code <prefix>p*}, or
     * under CNI {@code veth*} (the plugins name the host side {@code veth<8 hex>}; in the node's own
     * namespace nothing else is called so).
     */
    public String podDeviceGlob() {
        return cni != null ? "veth*" : prefix + "p*";
    }

    /**
     * The CNI bridge in the node namespace when pods come from {@link CniPlugin#BRIDGE} (per-packet LB
     * may be attached to it instead of its ports: see the README); empty otherwise.
     */
    public java.util.Optional<String> cniBridge() {
        return cni != null && cni.plugin() == CniPlugin.BRIDGE ? java.util.Optional.of(cni.bridgeName()) : java.util.Optional.empty();
    }

    /** The CNI plugin pods get their network from; empty when the testbed makes their veths itself. */
    public java.util.Optional<CniPlugin> cniPlugin() {
        return cni == null ? java.util.Optional.empty() : java.util.Optional.of(cni.plugin());
    }

    /** The pods' IPv4 /24, e.g. {@code 10.244.17.0/24}. */
    public String podCidr() {
        return addresses.podCidr(IpFamily.IPV4);
    }

    /** The pods' IPv6 /64, e.g. {@code fd00:10:244:17::/64}. */
    public String podCidr6() {
        return addresses.podCidr(IpFamily.IPV6);
    }

    /** The node's own IPv4 address (on its loopback), e.g. {@code 10.244.17.1}. */
    public String nodeIp() {
        return addresses.node(IpFamily.IPV4);
    }

    /** The node's own IPv6 address (on its loopback), e.g. {@code fd00:10:244:17::1}. */
    public String nodeIpv6() {
        return addresses.node(IpFamily.IPV6);
    }

    /** Every address of this testbed. */
    public AddressPlan addresses() {
        return addresses;
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

    /**
     * One TCP request from a pod (see {@link PodClient#tcp}) to an IPv4 or IPv6 literal; a refused
     * connection returns at once.
     */
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
     * Opens a long-lived TCP connection from a pod to an IPv4 or IPv6 literal (a socat process;
     * stopped on {@link TcpSession#close()} or with the testbed).
     */
    public TcpSession openTcpSession(Pod from, String ip, int port, boolean inCgroup) throws IOException {
        IpAddress target = IpAddress.parse(ip).orElseThrow(() -> new IllegalArgumentException("not an IP literal: " + ip));
        String socatAddress = (target.isIpv4() ? "TCP4:" : "TCP6:") + target.withPort(port);
        return new TcpSession(clientCommand(from, inCgroup, "socat", "-", socatAddress + ",connect-timeout=3"), processes);
    }

    /**
     * Opens an SCTP association from a pod to an IPv4 or IPv6 literal (a socat process between its
     * stdio and a one-to-one SCTP socket, outside the cgroup: socket LB leaves SCTP alone; stopped on
     * {@link TcpSession#close()} or with the testbed). Needs a kernel with SCTP sockets.
     */
    public TcpSession openSctpSession(Pod from, String ip, int port) throws IOException {
        IpAddress target = IpAddress.parse(ip).orElseThrow(() -> new IllegalArgumentException("not an IP literal: " + ip));
        String socatAddress = (target.isIpv4() ? "SCTP4-CONNECT:" : "SCTP6-CONNECT:") + target.withPort(port);
        return new TcpSession(clientCommand(from, false, "socat", "-", socatAddress + ",connect-timeout=3"), processes);
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
        if (clusterNode == null) RunMarkers.unmark(prefix); // a cluster's node: the cluster owns the marker
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
        return "Testbed[" + prefix + ", node " + nodeNetns() + ", pods " + podCidr() + " " + podCidr6() + " " + pods.keySet() + "]";
    }
}
