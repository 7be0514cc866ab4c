package dev.senda.desired;

/**
 * Which kind of Service address a frontend is, for the lb listing and for traffic policies:
 * {@link #CLUSTER_IP} frontends follow internalTrafficPolicy, the three external kinds follow
 * externalTrafficPolicy.
 *
 * <p>Not part of the frontend's identity ({@link Frontend}, the map key): one address:port/proto has
 * one kind at a time, and two Services claiming it conflict whatever their kinds. The reconciler is
 * to carry it in the header's flags ({@code senda_svc{4,6}_value.flags}, one bit per external kind),
 * so the datapath can tell a node port from a cluster IP (e.g. to apply NodePort only on node
 * addresses arriving from outside) without a second lookup; until the datapath half of NodePort
 * lands every kind is written like a ClusterIP frontend, with flags 0.
 */
public enum FrontendKind {
    CLUSTER_IP("ClusterIP"), NODE_PORT("NodePort"), LOAD_BALANCER("LoadBalancer"), EXTERNAL_IP("ExternalIP");

    private final String label;

    FrontendKind(String label) {
        this.label = label;
    }

    /** Whether externalTrafficPolicy governs it (node ports, load-balancer IPs, external IPs). */
    public boolean external() {
        return this != CLUSTER_IP;
    }

    @Override
    public String toString() {
        return label;
    }
}
