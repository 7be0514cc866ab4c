package dev.senda.cli;

import dev.senda.agent.Agent;
import dev.senda.agent.AgentConfig;
import dev.senda.agent.BindAddress;
import dev.senda.agent.SourceSpec;
import dev.senda.agent.StartChecks;
import dev.senda.datapath.CgroupMounts;
import dev.senda.desired.NodePortAddresses;
import dev.senda.maps.size.MapSizeSetting;
import dev.senda.maps.size.MapSizes;
import dev.senda.maps.size.MemInfo;
import dev.senda.source.DirectorySource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code senda agent}: the node agent. Runs until SIGTERM; the datapath stays in place after it exits. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Watch Services and EndpointSlices and program the eBPF load balancer of this node.")
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--kubeconfig", paramLabel = "PATH",
            description = "kubeconfig of the API server (default: in-cluster config when running in a pod)")
    Path kubeconfig;

    @Option(names = "--source", paramLabel = "kubernetes|dir:PATH", defaultValue = "kubernetes",
            description = "where Services and EndpointSlices come from (default: ${DEFAULT-VALUE})")
    String source;

    @Option(names = DirectorySource.MAX_FILE_BYTES_FLAG, paramLabel = "BYTES",
            defaultValue = "" + DirectorySource.DEFAULT_MAX_FILE_BYTES,
            description = "with --source dir: the largest YAML file read; a bigger one is refused, "
                    + "logged and reported on /healthz and /metrics (default: ${DEFAULT-VALUE})")
    long sourceMaxFileBytes;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "this node's name (default: $NODE_NAME, else the host name)")
    String nodeName;

    @Option(names = "--bpffs-root", paramLabel = "DIR", defaultValue = "/sys/fs/bpf/senda",
            description = "directory on bpffs for Senda's pinned maps and links (default: ${DEFAULT-VALUE})")
    Path bpffsRoot;

    @Option(names = "--cgroup-root", paramLabel = "DIR",
            description = "cgroup v2 directory for socket LB (default: the host's cgroup2 mount)")
    Path cgroupRoot;

    @Option(names = "--socket-lb", paramLabel = "true|false", defaultValue = "true", arity = "0..1",
            description = "translate Service addresses at connect()/sendmsg() (default: ${DEFAULT-VALUE})")
    boolean socketLb;

    @Option(names = "--pod-devices", paramLabel = "GLOB",
            description = "host-side pod interfaces for per-packet LB on tc, attached as they appear (e.g. 'veth*')")
    String podDevices;

    @Option(names = "--node-devices", paramLabel = "GLOB",
            description = "the node's interfaces where NodePort, LoadBalancer and external-IP traffic arrives from "
                    + "outside: per-packet LB at their ingress, attached as they appear (e.g. 'eth0'), in both "
                    + "datapath modes")
    String nodeDevices;

    @Option(names = "--healthz-bind", paramLabel = "ADDR:PORT", defaultValue = "0.0.0.0:10256",
            description = "kube-proxy's health port: /healthz, /livez, /readyz (default: ${DEFAULT-VALUE})")
    String healthzBind;

    @Option(names = "--metrics-bind", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:10249",
            description = "kube-proxy's metrics port: /metrics (Prometheus), /proxyMode (default: ${DEFAULT-VALUE})")
    String metricsBind;

    @Option(names = NodePortAddresses.FLAG, paramLabel = "LIST", defaultValue = "primary",
            description = "node addresses NodePort Services answer on: comma-separated CIDRs and the keywords "
                    + "'primary' (each family's primary address of this Node: its first InternalIP) and 'all' "
                    + "(every InternalIP and ExternalIP of this Node object) (default: ${DEFAULT-VALUE})")
    String nodePortAddresses;

    // One option per MapSizeSetting (the flag names are MapSizeSetting's); absent: derived from memory.
    @Option(names = "--map-size-services", paramLabel = "ENTRIES",
            description = "entries of each family's service map: one per frontend plus one per endpoint of each "
                    + "(default: from the node's memory, at least 131072)")
    Integer mapSizeServices;

    @Option(names = "--map-size-backends", paramLabel = "ENTRIES",
            description = "entries of each family's backend map: one per distinct endpoint "
                    + "(default: from the node's memory, at least 131072)")
    Integer mapSizeBackends;

    @Option(names = "--map-size-revnat", paramLabel = "ENTRIES",
            description = "entries of each family's reverse-NAT map: one per frontend "
                    + "(default: from the node's memory, at least 65536)")
    Integer mapSizeRevNat;

    @Option(names = "--map-size-conntrack", paramLabel = "ENTRIES",
            description = "entries of each family's per-packet conntrack (LRU, allocated whole): two per flow "
                    + "(default: from the node's memory, at least 65536)")
    Integer mapSizeConntrack;

    @Option(names = "--map-size-affinity", paramLabel = "ENTRIES",
            description = "entries of each family's session-affinity map (LRU, allocated whole): one per client "
                    + "and Service (default: from the node's memory, at least 65536)")
    Integer mapSizeAffinity;

    @Option(names = "--map-size-nat", paramLabel = "ENTRIES",
            description = "entries of each family's source-NAT map (LRU, allocated whole): two per NATed flow "
                    + "(default: from the node's memory, at least 65536)")
    Integer mapSizeNat;

    @Option(names = MapSizes.RATIO_FLAG, paramLabel = "RATIO", defaultValue = "" + MapSizes.DEFAULT_RATIO,
            description = "share of the node's memory the default map sizes are derived from, each map getting "
                    + "ratio x memory / bytes per entry, rounded down to a power of two and kept within "
                    + "its floor and ceiling (default: ${DEFAULT-VALUE})")
    double mapSizeRatio;

    @Spec
    CommandSpec spec;

    /** The sizes given on the command line, by setting. */
    private Map<MapSizeSetting, Integer> givenMapSizes() {
        Map<MapSizeSetting, Integer> given = new LinkedHashMap<>();
        putIfGiven(given, MapSizeSetting.SERVICES, mapSizeServices);
        putIfGiven(given, MapSizeSetting.BACKENDS, mapSizeBackends);
        putIfGiven(given, MapSizeSetting.REVERSE_NAT, mapSizeRevNat);
        putIfGiven(given, MapSizeSetting.CONNTRACK, mapSizeConntrack);
        putIfGiven(given, MapSizeSetting.AFFINITY, mapSizeAffinity);
        putIfGiven(given, MapSizeSetting.NAT, mapSizeNat);
        return given;
    }

    private static void putIfGiven(Map<MapSizeSetting, Integer> given, MapSizeSetting setting, Integer value) {
        if (value != null) given.put(setting, value);
    }

    @Override
    public Integer call() throws Exception {
        AgentConfig config = checkedConfig();
        try (Agent agent = new Agent(config)) {
            agent.start();
            agent.awaitShutdown();
        }
        return 0;
    }

    /**
     * Every setting parsed and checked against this node before anything is loaded, pinned or bound:
     * a wrong one is a usage error (exit 2, the flag's name first) and leaves nothing behind.
     */
    private AgentConfig checkedConfig() {
        try {
            AgentConfig config = new AgentConfig(
                    SourceSpec.parse(source, Optional.ofNullable(kubeconfig), sourceMaxFileBytes),
                    NodeNames.resolve(nodeName),
                    bpffsRoot,
                    cgroupRoot != null ? cgroupRoot : CgroupMounts.cgroup2Mount(),
                    socketLb,
                    Optional.ofNullable(podDevices).filter(s -> !s.isBlank()),
                    Optional.ofNullable(nodeDevices).filter(s -> !s.isBlank()),
                    BindAddress.parse("--healthz-bind", healthzBind),
                    BindAddress.parse("--metrics-bind", metricsBind),
                    NodePortAddresses.parse(nodePortAddresses),
                    MapSizes.resolve(MemInfo.totalBytes(), mapSizeRatio, givenMapSizes()));
            StartChecks.ofProcess().check(config);
            return config;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
