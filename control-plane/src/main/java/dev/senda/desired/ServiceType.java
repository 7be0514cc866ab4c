package dev.senda.desired;

import java.util.Optional;

/**
 * The Service types Senda programs frontends for (ExternalName is DNS only and never gets here).
 * Each type has its own set of {@link FrontendExpander}s, see {@link FrontendExpanders#of}.
 */
enum ServiceType {
    CLUSTER_IP("ClusterIP"), NODE_PORT("NodePort"), LOAD_BALANCER("LoadBalancer");

    private final String apiName;

    ServiceType(String apiName) {
        this.apiName = apiName;
    }

    /** The type {@code spec.type} names; ClusterIP when unset (the API default); empty when unknown. */
    static Optional<ServiceType> ofApiName(String text) {
        if (text == null || text.isEmpty()) return Optional.of(CLUSTER_IP);
        for (ServiceType t : values()) {
            if (t.apiName.equals(text)) return Optional.of(t);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
