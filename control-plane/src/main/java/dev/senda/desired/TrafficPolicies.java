package dev.senda.desired;

import java.util.List;

/**
 * A Service's {@code spec.internalTrafficPolicy} and {@code spec.externalTrafficPolicy}, as given
 * (null or empty when unset, which the API defaults to "Cluster"). {@link ServiceParser} rejects any
 * other value than "Cluster" and "Local" ({@link #check}), so an accepted Service's policies are one
 * of those or unset.
 */
record TrafficPolicies(String internal, String external) {
    static final String LOCAL = "Local";
    static final String CLUSTER = "Cluster";

    /** internalTrafficPolicy is Local: ClusterIP frontends use the local endpoint set. */
    boolean internalLocal() {
        return LOCAL.equals(internal);
    }

    /** externalTrafficPolicy is Local: node ports, load-balancer and external IPs use the local set. */
    boolean externalLocal() {
        return LOCAL.equals(external);
    }

    /** True when either policy asks for node-local endpoints, so the local set is worth computing. */
    boolean usesLocalEndpoints() {
        return internalLocal() || externalLocal();
    }

    /** Appends a problem for each policy that is neither unset, "Cluster" nor "Local". */
    void check(List<String> problems) {
        check("spec.internalTrafficPolicy", internal, problems);
        check("spec.externalTrafficPolicy", external, problems);
    }

    private static void check(String field, String value, List<String> problems) {
        if (value == null || value.isEmpty() || LOCAL.equals(value) || CLUSTER.equals(value)) return;
        problems.add(field + " \"" + value + "\" is not Cluster or Local");
    }
}
