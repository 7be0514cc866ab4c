package dev.senda.desired;

/**
 * A Service's {@code spec.internalTrafficPolicy} and {@code spec.externalTrafficPolicy}, as given
 * (null when unset, which the API defaults to "Cluster"). Kept raw: traffic policies are not
 * programmed yet, and when they are, each expander decides which endpoint set its frontends use.
 */
record TrafficPolicies(String internal, String external) {
    static final String LOCAL = "Local";

    /** True when either policy asks for node-local endpoints, so the local set is worth computing. */
    boolean usesLocalEndpoints() {
        return LOCAL.equals(internal) || LOCAL.equals(external);
    }
}
