package dev.senda.testbed;

import dev.senda.net.IpFamily;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A cluster of nodes built from network namespaces: each node a {@link Testbed} with its own pods
 * and pod ranges (both families), the nodes joined by a node network, and an external client on
 * that network (addresses: {@link NodeNetworkPlan}, pod ranges: one {@link AddressPlan} per node).
 *
 * <pre>
 *   netns &lt;prefix&gt;-net    bridge br0 (the node network's switch; no addresses)
 *     port node-1 ── veth ── eth0 in &lt;prefix&gt;-node-1   192.168.K.1/24, fd00:192:168:K::1/64
 *     port node-2 ── veth ── eth0 in &lt;prefix&gt;-node-2   192.168.K.2/24, fd00:192:168:K::2/64
 *     port ext    ── veth ── eth0 in &lt;prefix&gt;-ext      192.168.K.100/24, fd00:192:168:K::100/64
 *   node i: its pods as in {@link Testbed} (10.244.N_i.0/24, fd00:10:244:N_i::/64; N_i differ), and
 *           route &lt;node j's pod ranges&gt; via &lt;node j's address&gt; dev eth0 for every other node j
 *   ext:    route 198.18.K.0/24 and fd00:198:18:K::/64 via node 1 (as an L2/BGP announcer of
 *           LoadBalancer and external IPs would set up), and each node's pod ranges via that node
 *           (a flat, natively routed pod network, as BGP peering with the nodes gives)
 *   cgroup &lt;cgroup2&gt;/&lt;prefix&gt;/&lt;node&gt;, pins /sys/fs/bpf/&lt;prefix&gt;/&lt;node&gt;: one --cgroup-root and
 *           one --bpffs-root per node, so an agent per node runs beside the other
 * </pre>
 *
 * With {@link Builder#cni(CniPlugin)} every node's pods come from the real CNI plugin, and with
 * {@link Builder#podRouting(PodRouting) podRouting(VXLAN)} the nodes reach each other's pods through
 * a kernel VXLAN overlay instead of the routes above (see {@link PodRouting}).
 *
 * <p>Why a bridge in a namespace of its own: the node network is one L2 segment, as on a real
 * cluster, so every member (both nodes, the client, a third node later) joins it with one veth and
 * one address, and node-to-node traffic never passes through the client (a chain of veths through
 * the client would make it a router, and a pair between the nodes would leave the client outside).
 * The bridge namespace has no addresses and routes nothing.
 *
 * <p>Like {@link Testbed}, nothing is created in the root namespace, every name carries the run's
 * prefix, and {@link #close()} removes everything (also after a half-finished build and from a
 * shutdown hook); a killed run is swept by the next one ({@link RunMarkers}: the namespaces
 * {@code <prefix>-*}, the cgroup with its children, the pins).
 */
public final class Cluster implements AutoCloseable {
    /** The node network's bridge, in {@link #netNetns()}. */
    public static final String BRIDGE = "br0";
    /** Every member's link to the node network, in its own namespace (a node's --node-devices). */
    public static final String NODE_DEVICE = "eth0";
    /** The overlay device of {@link PodRouting#VXLAN}, in every node namespace (Flannel calls its own flannel.1). */
    public static final String VXLAN_DEVICE = "vxlan0";
    /** Flannel's VXLAN port and VNI. */
    private static final int VXLAN_PORT = 8472;
    private static final int VXLAN_ID = 1;
    /** The VXLAN header and outer UDP/IPv4/Ethernet headers the overlay costs every pod packet. */
    private static final int VXLAN_OVERHEAD = 50;
    private static final int NODE_NETWORK_MTU = 1500;
    /** The external client's bridge port name in {@link #netNetns()}. */
    private static final String CLIENT_PORT = "ext";
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");
    private static final Set<String> RESERVED = Set.of("net", "ext", "node");

    private final String prefix;
    private final NodeNetworkPlan network;
    private final Path logDir;
    private final PodRouting routing;
    private final List<Testbed> nodes = new ArrayList<>();
    private final ChildProcesses processes;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Thread shutdownHook;
    private PodClient externalClient;
    private boolean closed;

    private Cluster(String prefix, NodeNetworkPlan network, Path logDir, PodRouting routing) {
        this.prefix = prefix;
        this.routing = routing;
        this.network = network;
        this.logDir = logDir;
        this.processes = new ChildProcesses(pid -> RunMarkers.recordChild(prefix, pid));
        this.shutdownHook = new Thread(this::closeQuietly, "cluster-" + prefix + "-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures and builds a cluster. */
    public static final class Builder {
        private final Map<String, List<String>> nodePods = new LinkedHashMap<>();
        private Path logDir;
        private CniPlugin cniPlugin;
        private PodRouting routing = PodRouting.ROUTES;

        /** Every node's pods get their network from the real CNI plugin (see {@link Testbed.Builder#cni}). */
        public Builder cni(CniPlugin plugin) {
            this.cniPlugin = plugin;
            return this;
        }

        /** How nodes reach each other's pods (default {@link PodRouting#ROUTES}). */
        public Builder podRouting(PodRouting routing) {
            this.routing = java.util.Objects.requireNonNull(routing);
            return this;
        }

        /**
         * Adds a node (in order: the first is node 1, the LoadBalancer announcer) with its pods.
         * Node names are Kubernetes node names and bridge port names (at most 15 characters); pod
         * names are unique across the cluster (each pod's namespace is {@code <prefix>-<pod>}).
         */
        public Builder node(String name, String... pods) {
            if (!NODE_NAME.matcher(name).matches() || RESERVED.contains(name)) {
                throw new IllegalArgumentException("bad node name '" + name + "'");
            }
            if (nodePods.containsKey(name)) throw new IllegalArgumentException("duplicate node '" + name + "'");
            if (nodePods.size() == NodeNetworkPlan.MAX_NODES) throw new IllegalArgumentException("at most " + NodeNetworkPlan.MAX_NODES + " nodes");
            // node and pod names share one namespace: each becomes <prefix>-<name>
            Set<String> taken = new HashSet<>(RESERVED);
            taken.addAll(nodePods.keySet());
            nodePods.values().forEach(taken::addAll);
            if (!taken.add(name)) throw new IllegalArgumentException("node name '" + name + "' is a pod's name");
            for (String p : pods) {
                if (!taken.add(p)) throw new IllegalArgumentException("pod name '" + p + "' is taken in this cluster");
            }
            nodePods.put(name, List.of(pods));
            return this;
        }

        /** Where server and client logs go (default: a new temporary directory). */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        /**
         * Creates everything; on any failure removes what was already created and rethrows.
         *
         * @throws IOException when a command fails (the message names it and its stderr)
         */
        public Cluster build() throws IOException {
            if (nodePods.size() < 2) throw new IllegalStateException("a cluster needs at least two nodes");
            Testbed.requireIpv6();
            Testbed.sweepStaleRuns();
            String prefix = Testbed.uniquePrefix();
            List<Integer> octets;
            Path dir;
            try {
                octets = freeOctets(nodePods.size() + 1);
                dir = logDir != null ? logDir : Files.createTempDirectory("senda-cluster-" + prefix + "-");
                Files.createDirectories(dir);
            } catch (IOException | RuntimeException e) {
                RunMarkers.unmark(prefix); // nothing created yet
                throw e;
            }
            Cluster cluster = new Cluster(prefix, new NodeNetworkPlan(octets.getLast()), dir, routing);
            try {
                cluster.create(nodePods, octets.subList(0, nodePods.size()), cniPlugin);
                return cluster;
            } catch (IOException | RuntimeException e) {
                try {
                    cluster.close(); // unmarks only when everything was removed: else the next run sweeps
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- construction

    private void create(Map<String, List<String>> nodePods, List<Integer> podSubnets, CniPlugin cniPlugin) throws IOException {
        if (cniPlugin != null) Cni.requireInstalled(cniPlugin);
        Path cgroup = Cgroup2.create(prefix); // the parent of every node's --cgroup-root
        undo.push(() -> quietly(() -> Cgroup2.remove(cgroup, Duration.ofSeconds(5))));
        Path pins = Path.of("/sys/fs/bpf", prefix); // the parent of every node's --bpffs-root (the agents create theirs)
        undo.push(() -> quietly(() -> Files.deleteIfExists(pins)));

        String net = netNetns();
        addNetns(net);
        Exec.check("ip", "-n", net, "link", "add", BRIDGE, "type", "bridge");
        Exec.check("ip", "-n", net, "link", "set", BRIDGE, "up");

        int ordinal = 0;
        for (var e : nodePods.entrySet()) {
            Testbed.Builder b = Testbed.builder().clusterNode(prefix, e.getKey()).subnet(podSubnets.get(ordinal))
                    .pods(e.getValue().toArray(String[]::new)).logDir(logDir);
            if (cniPlugin != null) {
                b.cni(cniPlugin).cniMtu(routing == PodRouting.VXLAN ? NODE_NETWORK_MTU - VXLAN_OVERHEAD : 0);
            }
            Testbed node = b.build();
            nodes.add(node);
            ordinal++;
            join(node.nodeNetns(), e.getKey(), network.node(ordinal, IpFamily.IPV4), network.node(ordinal, IpFamily.IPV6));
        }
        if (routing == PodRouting.VXLAN) {
            joinOverlay();
        } else {
            // every node routes the other nodes' pod ranges through the node network
            for (Testbed node : nodes) {
                for (Testbed other : nodes) {
                    if (other == node) continue;
                    for (IpFamily f : IpFamily.values()) {
                        Exec.check("ip", "-n", node.nodeNetns(), family(f), "route", "add", other.addresses().podCidr(f),
                                "via", nodeAddress(other, f), "dev", NODE_DEVICE);
                    }
                }
            }
        }

        String ext = externalNetns();
        addNetns(ext);
        join(ext, CLIENT_PORT, network.client(IpFamily.IPV4), network.client(IpFamily.IPV6));
        for (IpFamily f : IpFamily.values()) {
            Exec.check("ip", "-n", ext, family(f), "route", "add", network.loadBalancerCidr(f),
                    "via", nodeAddress(nodes.getFirst(), f), "dev", NODE_DEVICE);
            for (Testbed node : nodes) {
                Exec.check("ip", "-n", ext, family(f), "route", "add", node.addresses().podCidr(f),
                        "via", nodeAddress(node, f), "dev", NODE_DEVICE);
            }
        }
    }

    /**
     * Flannel's vxlan backend, by hand: each node gets {@value #VXLAN_DEVICE} (VNI 1, UDP 8472 from its
     * node address over eth0, no learning: every entry is static, as flanneld writes them) holding its
     * pod network address (the /24's and /64's first address), and for every other node a route of
     * that node's pod ranges via that node's overlay address (onlink), a permanent neighbour entry
     * mapping the overlay address to the node's VXLAN MAC, and a forwarding entry sending that MAC to
     * the node's IPv4 address. The devices live in the node namespaces (deleted with them).
     */
    private void joinOverlay() throws IOException {
        for (Testbed node : nodes) {
            String ns = node.nodeNetns();
            Exec.check("ip", "-n", ns, "link", "add", VXLAN_DEVICE, "address", vxlanMac(node), "mtu",
                    Integer.toString(NODE_NETWORK_MTU - VXLAN_OVERHEAD), "type", "vxlan", "id", Integer.toString(VXLAN_ID),
                    "local", nodeAddress(node, IpFamily.IPV4), "dev", NODE_DEVICE, "dstport", Integer.toString(VXLAN_PORT),
                    "nolearning");
            Exec.check("ip", "-n", ns, "addr", "add", overlayAddress(node, IpFamily.IPV4) + "/32", "dev", VXLAN_DEVICE);
            Exec.check("ip", "-n", ns, "addr", "add", overlayAddress(node, IpFamily.IPV6) + "/128", "dev", VXLAN_DEVICE, "nodad");
            Exec.check("ip", "-n", ns, "link", "set", VXLAN_DEVICE, "up");
        }
        for (Testbed node : nodes) {
            String ns = node.nodeNetns();
            for (Testbed other : nodes) {
                if (other == node) continue;
                Exec.check("bridge", "-n", ns, "fdb", "append", vxlanMac(other), "dev", VXLAN_DEVICE,
                        "dst", nodeAddress(other, IpFamily.IPV4));
                for (IpFamily f : IpFamily.values()) {
                    String gw = overlayAddress(other, f);
                    Exec.check("ip", "-n", ns, family(f), "neigh", "add", gw, "lladdr", vxlanMac(other), "dev", VXLAN_DEVICE,
                            "nud", "permanent");
                    Exec.check("ip", "-n", ns, family(f), "route", "add", other.addresses().podCidr(f), "via", gw,
                            "dev", VXLAN_DEVICE, "onlink");
                }
            }
        }
    }

    /** A node's overlay address: the first address of its pod range (10.244.N.0, fd00:10:244:N::), as Flannel uses. */
    private static String overlayAddress(Testbed node, IpFamily f) {
        String cidr = node.addresses().podCidr(f);
        return cidr.substring(0, cidr.indexOf('/'));
    }

    /** A fixed, locally administered MAC per run and node for its VXLAN device. */
    private String vxlanMac(Testbed node) {
        return String.format("02:5e:%s:%s:00:%02x", prefix.substring(2, 4), prefix.substring(4, 6), nodes.indexOf(node) + 1);
    }

    /** How the nodes reach each other's pods. */
    public PodRouting podRouting() {
        return routing;
    }

    /** A namespace with loopback up and duplicate address detection off (as {@link Testbed}'s). */
    private void addNetns(String name) throws IOException {
        Exec.check("ip", "netns", "add", name);
        undo.push(() -> quietly(() -> Testbed.deleteNetns(name)));
        Testbed.sysctl(name, Testbed.IPV6_NOW);
        Exec.check("ip", "-n", name, "link", "set", "lo", "up");
    }

    /** Joins {@code netns} to the node network: a veth {@code port} (bridge side) / eth0 with both addresses. */
    private void join(String netns, String port, String ipv4, String ipv6) throws IOException {
        String net = netNetns();
        Exec.check("ip", "link", "add", port, "netns", net, "type", "veth", "peer", "name", NODE_DEVICE, "netns", netns);
        Exec.check("ip", "-n", net, "link", "set", port, "master", BRIDGE);
        Exec.check("ip", "-n", net, "link", "set", port, "up");
        Exec.check("ip", "-n", netns, "addr", "add", ipv4 + "/" + NodeNetworkPlan.prefixLength(IpFamily.IPV4), "dev", NODE_DEVICE);
        Exec.check("ip", "-n", netns, "addr", "add", ipv6 + "/" + NodeNetworkPlan.prefixLength(IpFamily.IPV6), "dev", NODE_DEVICE,
                "nodad");
        Exec.check("ip", "-n", netns, "link", "set", NODE_DEVICE, "up");
    }

    private static String family(IpFamily f) {
        return f == IpFamily.IPV4 ? "-4" : "-6";
    }

    /**
     * {@code count} distinct random octets; the first {@code count - 1} are pod subnets N (no host
     * route or address in 10.244.N.0/24 or fd00:10:244:N::/64), the last the node network's K (none
     * in 192.168.K.0/24, fd00:192:168:K::/64, 198.18.K.0/24, fd00:198:18:K::/64). The ranges only
     * exist inside the cluster's namespaces; avoiding the host's keeps {@code ip route} readable.
     */
    private static List<Integer> freeOctets(int count) throws IOException {
        String used = Exec.check("ip", "-4", "route", "show", "table", "all").stdout()
                + Exec.check("ip", "-4", "-o", "addr", "show").stdout()
                + Exec.check("ip", "-6", "route", "show", "table", "all").stdout()
                + Exec.check("ip", "-6", "-o", "addr", "show").stdout();
        SecureRandom random = new SecureRandom();
        List<Integer> picked = new ArrayList<>();
        for (int attempt = 0; attempt < 500 && picked.size() < count; attempt++) {
            int n = 1 + random.nextInt(254);
            boolean nodeNet = picked.size() == count - 1;
            List<String> ranges = nodeNet
                    ? List.of("192.168." + n + ".", "fd00:192:168:" + n + ":", "198.18." + n + ".", "fd00:198:18:" + n + ":")
                    : List.of("10.244." + n + ".", "fd00:10:244:" + n + ":");
            if (!picked.contains(n) && ranges.stream().noneMatch(used::contains)) picked.add(n);
        }
        if (picked.size() < count) throw new IOException("no " + count + " unused subnets found in 500 attempts");
        return picked;
    }

    // ---------------------------------------------------------------- accessors

    /** The per-run prefix {@code sd<4 hex>} every name starts with. */
    public String prefix() {
        return prefix;
    }

    /** The nodes, in the builder's order (the first one announces the LoadBalancer range). */
    public List<Testbed> nodes() {
        return List.copyOf(nodes);
    }

    /** The node of that Kubernetes name. */
    public Testbed node(String name) {
        return nodes.stream().filter(n -> n.nodeName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node '" + name + "'"));
    }

    /** The node a pod runs on. */
    public Testbed nodeOf(Pod pod) {
        return node(pod.nodeName());
    }

    /** A pod of any node. */
    public Pod pod(String name) {
        for (Testbed n : nodes) {
            if (n.pods().stream().anyMatch(p -> p.name().equals(name))) return n.pod(name);
        }
        throw new IllegalArgumentException("no pod '" + name + "' in cluster " + prefix);
    }

    /** The node network's and the LoadBalancer range's addresses. */
    public NodeNetworkPlan network() {
        return network;
    }

    /** A node's address of {@code family} on the node network (its Node object's InternalIP). */
    public String nodeAddress(Testbed node, IpFamily family) {
        int i = nodes.indexOf(node);
        if (i < 0) throw new IllegalArgumentException(node + " is not a node of cluster " + prefix);
        return network.node(i + 1, family);
    }

    /** The namespace holding the node network's bridge. */
    public String netNetns() {
        return prefix + "-net";
    }

    /** The external client's namespace. */
    public String externalNetns() {
        return prefix + "-ext";
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * The external client as a {@link Pod} record (so clients and servers run there as in a pod):
     * name {@code external}, its namespace, its node-network addresses, its bridge port, on no node
     * (node name "").
     */
    public Pod external() {
        return new Pod("external", 0, externalNetns(), network.client(IpFamily.IPV4), network.client(IpFamily.IPV6),
                CLIENT_PORT, "");
    }

    /**
     * The node namespace itself as a {@link Pod} record, to run an {@link EchoServer} on the node
     * (e.g. {@code node.startEchoServer(cluster.nodeHost(node), ...)}; it answers as the node's
     * name): its node-network addresses, eth0, the node's name.
     */
    public Pod nodeHost(Testbed node) {
        return new Pod(node.nodeName(), 0, node.nodeNetns(), nodeAddress(node, IpFamily.IPV4),
                nodeAddress(node, IpFamily.IPV6), NODE_DEVICE, node.nodeName());
    }

    /** The external client's long-lived client process (started on first use, at most 60 s). */
    public synchronized PodClient externalClient() throws IOException {
        if (closed) throw new IllegalStateException("cluster " + prefix + " is closed");
        if (externalClient != null && externalClient.isAlive()) return externalClient;
        externalClient = PodClient.start(external(), false, List.of("nsenter", "--net=" + Netns.path(externalNetns())),
                processes, logDir.resolve("client-" + prefix + "-external.log"), Duration.ofSeconds(60));
        return externalClient;
    }

    /**
     * One request from a pod of any node (through its node's client; {@code inCgroup}: inside that
     * node's cgroup) or from {@link #external()} (never in a cgroup).
     */
    public ClientResult request(Testbed.Proto proto, Pod from, String ip, int port, boolean inCgroup, Duration timeout)
            throws IOException {
        if (from.equals(external())) {
            if (inCgroup) throw new IllegalArgumentException("the external client is in no node's cgroup");
            PodClient c = externalClient();
            return proto == Testbed.Proto.TCP ? c.tcp(ip, port, timeout) : c.udp(ip, port, timeout);
        }
        return nodeOf(from).request(proto, from, ip, port, inCgroup, timeout);
    }

    // ---------------------------------------------------------------- cleanup

    /**
     * Stops the external client, closes every node (its agents first, then its processes, pods,
     * namespace and cgroup), then removes the client's and the bridge's namespaces, the cgroup and
     * pin parents, and the run's marker. Idempotent.
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
            // we are the hook, or the JVM is exiting
        }
        List<String> failures = new ArrayList<>();
        processes.stopAll(Duration.ofSeconds(3));
        for (Testbed node : nodes.reversed()) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failures.add(e.getMessage());
            }
        }
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) throw new IllegalStateException("cluster " + prefix + " cleanup failed: " + failures);
        RunMarkers.unmark(prefix);
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private static void quietly(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
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
        return "Cluster[" + prefix + ", nodes " + nodes.stream().map(n -> n.nodeName() + " " + n.podCidr() + " " + n.podCidr6()).toList()
                + ", node network " + network.cidr(IpFamily.IPV4) + " " + network.cidr(IpFamily.IPV6) + "]";
    }
}
