package dev.senda.e2e;

import dev.senda.testbed.CniPlugin;
import dev.senda.testbed.Cluster;
import dev.senda.testbed.PodRouting;

import java.util.List;

/**
 * The pod networks the CNI scenarios run on: a CNI plugin making each node's pods (with host-local
 * IPAM) and the way nodes reach each other's pods. Each says which devices the agents get.
 */
enum CniLayout {
    /** bridge + host-local on each node (Flannel's and Weave's pod side), nodes joined by plain routes. */
    BRIDGE_HOST_LOCAL(CniPlugin.BRIDGE, PodRouting.ROUTES),
    /**
     * ptp + host-local (routed veths, as Calico does), nodes joined by plain routes between the pod
     * ranges (as Calico's BGP mode ends up): the ptp layout and its routed two-node layout.
     */
    PTP_HOST_LOCAL_ROUTED(CniPlugin.PTP, PodRouting.ROUTES),
    /** bridge + host-local on each node, nodes joined by a kernel VXLAN overlay (Flannel's vxlan backend). */
    BRIDGE_VXLAN_OVERLAY(CniPlugin.BRIDGE, PodRouting.VXLAN);

    private final CniPlugin plugin;
    private final PodRouting routing;

    CniLayout(CniPlugin plugin, PodRouting routing) {
        this.plugin = plugin;
        this.routing = routing;
    }

    CniPlugin plugin() {
        return plugin;
    }

    PodRouting routing() {
        return routing;
    }

    /**
     * The agents' {@code --node-devices}: the node network's {@code eth0}, and under VXLAN the overlay
     * device too (traffic from other nodes' pods arrives there). {@code --pod-devices} is the testbed's
     * {@code veth*}: the host side of every pod, bridge ports included.
     */
    List<String> agentArgs() {
        String nodeDevices = routing == PodRouting.VXLAN
                ? "{" + Cluster.NODE_DEVICE + "," + Cluster.VXLAN_DEVICE + "}" : Cluster.NODE_DEVICE;
        return List.of("--node-devices", nodeDevices);
    }
}
