package dev.senda.testbed;

/**
 * The CNI plugin that gives a {@link Testbed}'s pods their network (with {@code host-local} IPAM;
 * see {@link Cni}), instead of the testbed's own hand-made veths.
 */
public enum CniPlugin {
    /** Every pod's veth a port of one bridge in the node, the pods' gateway on the bridge (Flannel, Weave). */
    BRIDGE("bridge"),
    /** A routed veth per pod, the gateway on its host side, a /32 route per pod (Calico). */
    PTP("ptp");

    private final String binary;

    CniPlugin(String binary) {
        this.binary = binary;
    }

    /** The plugin's file name under {@value Cni#PLUGIN_DIR}. */
    public String binary() {
        return binary;
    }
}
