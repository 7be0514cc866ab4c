package dev.senda.desired;

/**
 * Which backend set a frontend serves. One Service address carries two frontends, one per scope, when
 * its traffic policy splits the sets: an external frontend (node port, load-balancer or external IP)
 * of a Service with externalTrafficPolicy Local. Every other frontend is {@link #EXTERNAL} only. See
 * the package documentation ("Scopes"). The reconciler maps this to the map key's {@code scope}.
 */
public enum FrontendScope {
    /** Every frontend has it: traffic from outside the cluster, and all traffic when no INTERNAL sibling exists. */
    EXTERNAL,
    /** Traffic from this node's pods and host to an external frontend whose EXTERNAL scope is node-local. */
    INTERNAL
}
