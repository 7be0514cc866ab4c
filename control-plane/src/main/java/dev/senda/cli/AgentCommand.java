package dev.senda.cli;

import dev.senda.agent.Agent;
import dev.senda.agent.AgentConfig;
import dev.senda.agent.BindAddress;
import dev.senda.agent.SourceSpec;
import dev.senda.agent.StartChecks;
import dev.senda.datapath.CgroupMounts;
import dev.senda.desired.NodePortAddresses;
import dev.senda.reconcile.SyncRunner;
import dev.senda.source.ApiWatchSettings;
import dev.senda.maps.size.MapSizes;
import dev.senda.maps.size.MemInfo;
import dev.senda.source.DirectorySource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code senda agent}: the node agent. Runs until SIGTERM; the datapath stays in place after it exits. */
@Command(name = "agent", mixinStandardHelpOptions = true, modelTransformer = MapSizeOptions.class,
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

    @Option(names = ApiWatchSettings.FLAG, paramLabel = "DURATION", defaultValue = "30s",
            description = "with --source kubernetes: a watch silent this long (e.g. 30s, 1500ms, 2m; 500ms..10m) "
                    + "is probed; without an answer the connection is taken for dead, replaced and everything "
                    + "listed afresh (default: ${DEFAULT-VALUE})")
    String apiIdleTimeout;

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

    @Option(names = "--min-sync-period", paramLabel = "DURATION", defaultValue = "100ms",
            description = "least time between the starts of two syncs: changes within it are programmed together "
                    + "(kube-proxy's --iptables-min-sync-period; default: ${DEFAULT-VALUE})")
    String minSyncPeriod;

    @Option(names = "--sync-period", paramLabel = "DURATION", defaultValue = "60s",
            description = "longest time without a full resync, which repairs drift in the maps "
                    + "(kube-proxy's --iptables-sync-period; default: ${DEFAULT-VALUE})")
    String syncPeriod;

    @Option(names = ConfigFileArgs.FLAG, paramLabel = "FILE",
            description = "YAML file of settings, each named as its flag without the dashes (e.g. 'sync-period: 30s'); "
                    + "flags given on the command line win")
    Path config; // read by Main before parsing (ConfigFileArgs); kept here for --help and the usage check

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE})")
    String logLevel;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
            converter = LogFormatConverter.class,
            description = "text: one line per event for people; json: one JSON object per line for log collectors "
                    + "(default: ${DEFAULT-VALUE})")
    LogSetup.Format logFormat;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/senda",
            description = "directory on the node's disk for the snapshot of the agent's inputs, programmed after a "
                    + "reboot before the API server answers (with --source kubernetes) (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--bpf-object-dir", paramLabel = "DIR",
            description = "directory of BPF objects (senda_sock.o, senda_tc.o) that replace the agent's own of the same "
                    + "name: a datapath built apart from the agent; an object the kernel refuses leaves the running "
                    + "datapath in place (default: the agent's own objects)")
    Path bpfObjectDir;

    @Option(names = "--policy-pending", paramLabel = "allow|deny", defaultValue = "allow",
            description = "packets of a pod whose NetworkPolicy is not computed yet (no entry in the policy maps: "
                    + "a pod that appeared before the agent programmed it): 'allow' (counted as pending) or "
                    + "'deny' (dropped and counted) (default: ${DEFAULT-VALUE})")
    String policyPending;

    // One --map-size-* option per MapSizeSetting, added by MapSizeOptions (this command's model transformer).

    @Option(names = MapSizes.RATIO_FLAG, paramLabel = "RATIO", defaultValue = "" + MapSizes.DEFAULT_RATIO,
            description = "share of the node's memory the default map sizes are derived from, in each family: "
                    + "the LRU maps divide it among them (each --map-size-* flag says its part), each hash map "
                    + "may grow to all of it; a map's entries are its part / bytes per entry, rounded down to a "
                    + "power of two and kept within its floor and ceiling (default: ${DEFAULT-VALUE})")
    double mapSizeRatio;

    @Spec
    CommandSpec spec;

    /** {@code text}/{@code json}, the enum's names in lower case, refused otherwise naming the flag. */
    static final class LogFormatConverter implements picocli.CommandLine.ITypeConverter<LogSetup.Format> {
        @Override
        public LogSetup.Format convert(String value) {
            for (LogSetup.Format f : LogSetup.Format.values()) {
                if (f.name().equalsIgnoreCase(value)) return f;
            }
            throw new picocli.CommandLine.TypeConversionException("expected 'text' or 'json', got '" + value + "'");
        }
    }

    @Override
    public Integer call() throws Exception {
        applyLogSettings();
        AgentConfig config = checkedConfig();
        try (Agent agent = new Agent(config, Optional.ofNullable(bpfObjectDir))) {
            agent.start();
            agent.awaitShutdown();
        }
        return 0;
    }

    /** First, so every later line (the checks' included) has the asked level and format. */
    private void applyLogSettings() {
        try {
            LogSetup.apply(logLevel, logFormat);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private SyncRunner.Settings syncSettings() {
        Duration min = DurationFlag.parse("--min-sync-period", minSyncPeriod);
        Duration max = DurationFlag.parse("--sync-period", syncPeriod);
        if (min.isZero()) throw new IllegalArgumentException("--min-sync-period must be more than 0");
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("--sync-period " + syncPeriod + " is shorter than --min-sync-period " + minSyncPeriod);
        }
        return SyncRunner.Settings.defaults().withMinInterval(min).withMaxInterval(max);
    }

    private static boolean policyPendingDeny(String value) {
        return switch (value) {
            case "allow" -> false;
            case "deny" -> true;
            default -> throw new IllegalArgumentException("--policy-pending: expected allow or deny, got '" + value + "'");
        };
    }

    /**
     * Every setting parsed and checked against this node before anything is loaded, pinned or bound:
     * a wrong one is a usage error (exit 2, the flag's name first) and leaves nothing behind.
     */
    private AgentConfig checkedConfig() {
        try {
            AgentConfig config = new AgentConfig(
                    SourceSpec.parse(source, Optional.ofNullable(kubeconfig), sourceMaxFileBytes,
                            ApiWatchSettings.parse(apiIdleTimeout)),
                    NodeNames.resolve(nodeName),
                    bpffsRoot,
                    cgroupRoot != null ? cgroupRoot : CgroupMounts.cgroup2Mount(),
                    socketLb,
                    Optional.ofNullable(podDevices).filter(s -> !s.isBlank()),
                    Optional.ofNullable(nodeDevices).filter(s -> !s.isBlank()),
                    BindAddress.parse("--healthz-bind", healthzBind),
                    BindAddress.parse("--metrics-bind", metricsBind),
                    NodePortAddresses.parse(nodePortAddresses),
                    syncSettings(),
                    stateDir,
                    policyPendingDeny(policyPending),
                    MapSizes.resolve(MemInfo.totalBytes(), mapSizeRatio, MapSizeOptions.given(spec)));
            if (bpfObjectDir != null && !java.nio.file.Files.isDirectory(bpfObjectDir)) {
                throw new IllegalArgumentException("--bpf-object-dir " + bpfObjectDir + " is not a directory");
            }
            StartChecks.ofProcess().check(config);
            return config;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
