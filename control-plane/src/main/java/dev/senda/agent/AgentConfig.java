package dev.senda.agent;

import dev.senda.desired.NodePortAddresses;
import dev.senda.reconcile.SyncRunner;
import dev.senda.maps.size.MapSizes;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the agent is told on its command line, validated.
 *
 * @param source      where Services and EndpointSlices come from
 * @param nodeName    this node's name (endpoint topology, later traffic policies)
 * @param bpffsRoot   directory on bpffs holding Senda's pins
 * @param cgroupRoot  cgroup v2 directory the socket-LB programs attach to
 * @param socketLb    whether socket LB (cgroup hooks) is attached
 * @param podDevices  glob of host-side pod interfaces for per-packet LB on tc, if any
 * @param nodeDevices glob of the node's interfaces where traffic from outside arrives (NodePort,
 *                    LoadBalancer, external IPs), for per-packet LB at their ingress, if any
 * @param healthzBind where /healthz listens
 * @param metricsBind where /metrics listens
 * @param nodePortAddresses which node addresses node ports open on ({@code --nodeport-addresses})
 * @param sync        the sync runner's timing ({@code --min-sync-period}, {@code --sync-period})
 * @param stateDir    directory of the agent's own files on the node's disk ({@code --state-dir}): the
 *                    snapshot of its inputs, programmed after a reboot before the API server answers
 * @param policyPendingDeny whether packets of a pod whose NetworkPolicy is not computed yet are dropped
 *                    ({@code --policy-pending=deny}) rather than allowed
 * @param mapSizes    every sized map's {@code max_entries} ({@code --map-size-*}, defaults from memory)
 */
public record AgentConfig(SourceSpec source, String nodeName, Path bpffsRoot, Path cgroupRoot, boolean socketLb,
                          Optional<String> podDevices, Optional<String> nodeDevices, BindAddress healthzBind, BindAddress metricsBind,
                          NodePortAddresses nodePortAddresses, SyncRunner.Settings sync, Path stateDir,
                          boolean policyPendingDeny, MapSizes mapSizes) {
    /** Where {@code --state-dir} points unless told otherwise. */
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/senda");

    public AgentConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(bpffsRoot, "bpffsRoot");
        Objects.requireNonNull(cgroupRoot, "cgroupRoot");
        Objects.requireNonNull(podDevices, "podDevices");
        Objects.requireNonNull(nodeDevices, "nodeDevices");
        Objects.requireNonNull(healthzBind, "healthzBind");
        Objects.requireNonNull(metricsBind, "metricsBind");
        Objects.requireNonNull(nodePortAddresses, "nodePortAddresses");
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(mapSizes, "mapSizes");
        if (nodeName.isBlank()) throw new IllegalArgumentException("--node-name must not be empty");
    }

    /**
     * With the default sync timing, the {@link #DEFAULT_STATE_DIR default state directory} and pods not
     * computed yet allowed, and the map sizes this node's memory gives (the defaults of their flags).
     */
    public AgentConfig(SourceSpec source, String nodeName, Path bpffsRoot, Path cgroupRoot, boolean socketLb,
                       Optional<String> podDevices, Optional<String> nodeDevices, BindAddress healthzBind,
                       BindAddress metricsBind, NodePortAddresses nodePortAddresses) {
        this(source, nodeName, bpffsRoot, cgroupRoot, socketLb, podDevices, nodeDevices, healthzBind, metricsBind,
                nodePortAddresses, SyncRunner.Settings.defaults(), DEFAULT_STATE_DIR, false,
                MapSizes.defaultsForThisNode());
    }
}
