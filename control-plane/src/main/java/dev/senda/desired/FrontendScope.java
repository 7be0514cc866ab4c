package dev.senda.desired;

/**
 * Which backend set a frontend serves. One Service address can carry two frontends, one per scope,
 * when its traffic policies split the sets (internal vs external traffic); until then every frontend
 * is {@link #EXTERNAL}. The reconciler maps this to the map key's {@code scope}.
 */
public enum FrontendScope {
    /** Traffic from outside the cluster, and all traffic while no traffic policy splits the sets. */
    EXTERNAL,
    /** Traffic from inside the cluster, for internalTrafficPolicy. */
    INTERNAL
}
