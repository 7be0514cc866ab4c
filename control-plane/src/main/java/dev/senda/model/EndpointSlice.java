package dev.senda.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Senda needs of a discovery.k8s.io/v1 EndpointSlice, after the source boundary.
 *
 * @param ref         namespace/name of the slice itself
 * @param labels      metadata.labels (never null)
 * @param serviceName the owning Service's name, from the {@value #SERVICE_NAME_LABEL} label; null when absent
 * @param addressType "IPv4", "IPv6", "FQDN" or whatever the object said; null when absent
 * @param ports       never null
 * @param endpoints   never null
 * @param lastChangeTriggerTime the {@value #LAST_CHANGE_TRIGGER_TIME_ANNOTATION} annotation: when the
 *                    change this version reflects happened (a Pod or Service change), as the
 *                    EndpointSlice controller stamps it; the start of the network-programming SLI.
 *                    Empty when absent or unreadable
 */
public record EndpointSlice(ObjectRef ref, Map<String, String> labels, String serviceName, String addressType,
                            List<SlicePort> ports, List<Endpoint> endpoints, Optional<Instant> lastChangeTriggerTime) {
    /** The label that ties a slice to its Service (same namespace). */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    /** The annotation holding the trigger time, RFC 3339. */
    public static final String LAST_CHANGE_TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    public EndpointSlice {
        Objects.requireNonNull(ref, "ref");
        labels = Immutables.map(labels);
        ports = Immutables.list(ports);
        endpoints = Immutables.list(endpoints);
        Objects.requireNonNull(lastChangeTriggerTime, "lastChangeTriggerTime");
    }

    /** A slice without a trigger time (tests, sources that have none). */
    public EndpointSlice(ObjectRef ref, Map<String, String> labels, String serviceName, String addressType,
                         List<SlicePort> ports, List<Endpoint> endpoints) {
        this(ref, labels, serviceName, addressType, ports, endpoints, Optional.empty());
    }
}
