package dev.senda.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What Senda needs of a discovery.k8s.io/v1 EndpointSlice, after the source boundary.
 *
 * @param ref         namespace/name of the slice itself
 * @param labels      metadata.labels (never null)
 * @param serviceName the owning Service's name, from the {@value #SERVICE_NAME_LABEL} label; null when absent
 * @param addressType "IPv4", "IPv6", "FQDN" or whatever the object said; null when absent
 * @param ports       never null
 * @param endpoints   never null
 */
public record EndpointSlice(ObjectRef ref, Map<String, String> labels, String serviceName, String addressType,
                            List<SlicePort> ports, List<Endpoint> endpoints) {
    /** The label that ties a slice to its Service (same namespace). */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    public EndpointSlice {
        Objects.requireNonNull(ref, "ref");
        labels = Immutables.map(labels);
        ports = Immutables.list(ports);
        endpoints = Immutables.list(endpoints);
    }
}
