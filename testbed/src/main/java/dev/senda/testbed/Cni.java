package dev.senda.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One node's pod network made by the real CNI plugins of Debian's {@code containernetworking-plugins}
 * ({@value #PLUGIN_DIR}), invoked as a container runtime invokes them: the plugin binary runs in the
 * node's network namespace with {@code CNI_COMMAND=ADD|DEL}, {@code CNI_CONTAINERID},
 * {@code CNI_NETNS} (the pod's namespace file), {@code CNI_IFNAME=eth0} and {@code CNI_PATH} in its
 * environment and the network configuration as JSON on stdin; ADD prints the result JSON (interfaces,
 * IPs), from which the pod's addresses and its host-side interface are read.
 *
 * <p>The configuration: {@link CniPlugin#BRIDGE} (bridge {@link #bridgeName()}, the gateway on it,
 * hairpin mode on, as Flannel's pod side) or {@link CniPlugin#PTP} (a routed veth per pod, the gateway
 * on the host side, as Calico does), both with {@code host-local} IPAM over the node's pod ranges of both
 * families (addresses from .10, gateway .254 on the bridge; ptp puts its own on each host veth). No
 * {@code ipMasq} (it would add iptables rules; the testbed routes pod ranges natively) and no chained
 * plugins (portmap, bandwidth: Senda does not depend on them).
 *
 * <p>Per run and node: the network's name is {@code <prefix>-<node>}, and host-local keeps its state in
 * {@link #dataDir()} ({@code /run/senda-testbed/cni/<prefix>/<node>}), never in the shared
 * {@code /var/lib/cni/networks}; {@link #deleteDataDir()} removes it (a killed run's is swept by
 * {@link RunMarkers}).
 */
final class Cni {
    /** Where Debian installs the plugins. */
    static final String PLUGIN_DIR = "/usr/lib/cni";
    /** The interface every pod gets. */
    static final String IFNAME = "eth0";
    /** The host part of the bridge's gateway address (bridge layout) in both families. */
    static final int GATEWAY_HOST = 254;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PLUGIN_TIMEOUT = Duration.ofSeconds(20);

    private final CniPlugin plugin;
    private final String prefix;
    private final String node;
    private final String nodeNetns;
    private final AddressPlan addresses;
    private final int mtu;

    /**
     * @param mtu the pods' MTU (the overlay's smaller one under VXLAN), 0 for the plugin's default
     */
    Cni(CniPlugin plugin, String prefix, String node, String nodeNetns, AddressPlan addresses, int mtu) {
        this.plugin = plugin;
        this.prefix = prefix;
        this.node = node;
        this.nodeNetns = nodeNetns;
        this.addresses = addresses;
        this.mtu = mtu;
    }

    CniPlugin plugin() {
        return plugin;
    }

    /** What ADD gave a pod: its address of each family and its interface on the node's side. */
    record Attachment(String ipv4, String ipv6, String hostDevice) {
    }

    /** The plugins are installed (the testbed fails with this message before creating anything). */
    static void requireInstalled(CniPlugin plugin) throws IOException {
        for (String p : List.of(plugin.binary(), "host-local")) {
            if (!Files.isExecutable(Path.of(PLUGIN_DIR, p))) {
                throw new IOException("no CNI plugin " + PLUGIN_DIR + "/" + p + ": install Debian's containernetworking-plugins");
            }
        }
    }

    /** The run's directory of host-local state for every node. */
    static Path runDataRoot(String prefix) {
        return RunMarkers.DIR.resolve("cni").resolve(prefix);
    }

    Path dataDir() {
        return runDataRoot(prefix).resolve(node);
    }

    /** The bridge the bridge plugin creates in the node namespace (short: interface names have 15 characters). */
    String bridgeName() {
        return "cni0";
    }

    String networkName() {
        return prefix + "-" + node;
    }

    /** The network configuration the plugin reads on stdin. */
    String config() {
        ObjectNode conf = JSON.createObjectNode();
        conf.put("cniVersion", "1.0.0");
        conf.put("name", networkName());
        conf.put("type", plugin.binary());
        conf.put("ipMasq", false);
        if (mtu > 0) conf.put("mtu", mtu);
        if (plugin == CniPlugin.BRIDGE) {
            conf.put("bridge", bridgeName());
            conf.put("isGateway", true);
            conf.put("hairpinMode", true);
        }
        ObjectNode ipam = conf.putObject("ipam");
        ipam.put("type", "host-local");
        ipam.put("dataDir", dataDir().toString());
        ArrayNode ranges = ipam.putArray("ranges");
        for (IpFamily f : IpFamily.values()) {
            ObjectNode range = ranges.addArray().addObject();
            range.put("subnet", addresses.podCidr(f));
            range.put("rangeStart", addresses.pod(f, 0));
            range.put("rangeEnd", addresses.pod(f, AddressPlan.MAX_PODS - 1));
            range.put("gateway", gateway(f));
        }
        ArrayNode routes = ipam.putArray("routes");
        routes.addObject().put("dst", "0.0.0.0/0");
        routes.addObject().put("dst", "::/0");
        return conf.toString();
    }

    /** The gateway host-local hands out: the bridge's address (ptp uses it on every host-side veth). */
    String gateway(IpFamily family) {
        String cidr = addresses.podCidr(family);
        String net = cidr.substring(0, cidr.indexOf('/'));
        String text = family == IpFamily.IPV4 ? net.substring(0, net.lastIndexOf('.') + 1) + GATEWAY_HOST : net + GATEWAY_HOST;
        return IpAddress.parse(text).orElseThrow().toString();
    }

    /**
     * {@code CNI_COMMAND=ADD} for the pod's namespace.
     *
     * @throws IOException when the plugin fails (its error JSON in the message) or its result lacks an
     *                     address of either family or the host-side interface
     */
    Attachment add(String containerId, String podNetns) throws IOException {
        return attachment(invoke("ADD", containerId, podNetns));
    }

    /**
     * Reads an ADD result: the last address of each family in {@code ips}, and the host side of the
     * pod's veth (the interface outside any sandbox that is not the bridge).
     *
     * @throws IOException when an address of either family or the host-side interface is missing
     */
    Attachment attachment(String resultJson) throws IOException {
        JsonNode result = JSON.readTree(resultJson);
        String v4 = null;
        String v6 = null;
        for (JsonNode ip : result.path("ips")) {
            String address = ip.path("address").asText();
            int slash = address.indexOf('/');
            Optional<IpAddress> a = IpAddress.parse(slash < 0 ? address : address.substring(0, slash));
            if (a.isEmpty()) throw new IOException("CNI result has a bad address '" + address + "': " + resultJson);
            if (a.get().family() == IpFamily.IPV4) v4 = a.get().toString();
            else v6 = a.get().toString();
        }
        Optional<String> host = Optional.empty();
        for (JsonNode i : result.path("interfaces")) {
            String name = i.path("name").asText();
            if (i.path("sandbox").asText("").isEmpty() && !name.equals(bridgeName())) {
                host = Optional.of(name);
                break;
            }
        }
        if (v4 == null || v6 == null || host.isEmpty()) {
            throw new IOException("CNI " + plugin.binary() + " ADD gave no address of each family or no host veth: " + resultJson);
        }
        return new Attachment(v4, v6, host.get());
    }

    /** {@code CNI_COMMAND=DEL}: frees the addresses and removes the veth (idempotent, as the spec requires). */
    void del(String containerId, String podNetns) throws IOException {
        invoke("DEL", containerId, podNetns);
    }

    /** Removes host-local's state of this node (after every pod was deleted). */
    void deleteDataDir() throws IOException {
        deleteTree(dataDir());
        try {
            Files.deleteIfExists(runDataRoot(prefix)); // the last node of the run removes the run's directory
        } catch (java.nio.file.DirectoryNotEmptyException otherNodesLeft) {
            // another node of the cluster still has its state
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private String invoke(String command, String containerId, String podNetns) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + Netns.path(nodeNetns), PLUGIN_DIR + "/" + plugin.binary()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", Netns.path(podNetns).toString());
        env.put("CNI_IFNAME", IFNAME);
        env.put("CNI_PATH", PLUGIN_DIR);
        Process p = pb.start();
        CompletableFuture<String> out = Exec.drain(p.getInputStream());
        CompletableFuture<String> err = Exec.drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(config().getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(PLUGIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("CNI " + plugin.binary() + " " + command + " for " + podNetns + " timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during CNI " + command, e);
        }
        String stdout = Exec.get(out);
        if (p.exitValue() != 0) {
            throw new IOException("CNI " + plugin.binary() + " " + command + " for " + podNetns + " exited " + p.exitValue()
                    + ": " + stdout.strip() + " " + Exec.get(err).strip());
        }
        return stdout;
    }
}
