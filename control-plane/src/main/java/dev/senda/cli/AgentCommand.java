package dev.senda.cli;

import dev.senda.agent.Agent;
import dev.senda.agent.AgentConfig;
import dev.senda.agent.BindAddress;
import dev.senda.agent.SourceSpec;
import dev.senda.agent.StartChecks;
import dev.senda.datapath.CgroupMounts;
import dev.senda.desired.NodePortAddresses;
import dev.senda.source.ApiWatchSettings;
import dev.senda.source.DirectorySource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
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

    @Spec
    CommandSpec spec;

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
                    NodePortAddresses.parse(nodePortAddresses));
            StartChecks.ofProcess().check(config);
            return config;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
