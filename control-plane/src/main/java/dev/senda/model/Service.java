package dev.senda.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What Senda needs of a Kubernetes Service, after the source boundary. Every field is kept as the
 * object gave it (IP literals as strings, unknown types and protocols as text): validating belongs to
 * desired state, which rejects with a reason that tests can see.
 *
 * @param ref                   namespace/name
 * @param labels                metadata.labels (never null)
 * @param creationTimestamp     metadata.creationTimestamp, null when absent or unparsable; used only to
 *                              order Services deterministically (older wins a VIP conflict)
 * @param type                  spec.type ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"); null when absent
 * @param clusterIP             spec.clusterIP; null when absent, "None" for headless
 * @param clusterIPs            spec.clusterIPs (never null, may be empty); clusterIPs[0] is clusterIP
 * @param ipFamilies            spec.ipFamilies as given ("IPv4", "IPv6", or anything else; never null, may
 *                              be empty); ipFamilies[i] is the family of clusterIPs[i]
 * @param ipFamilyPolicy        spec.ipFamilyPolicy ("SingleStack", "PreferDualStack", "RequireDualStack");
 *                              null when absent
 * @param externalIPs           spec.externalIPs (never null)
 * @param externalName          spec.externalName; null when absent
 * @param ports                 spec.ports (never null)
 * @param sessionAffinity       spec.sessionAffinity; null when absent
 * @param sessionAffinityTimeoutSeconds spec.sessionAffinityConfig.clientIP.timeoutSeconds; null when absent
 * @param internalTrafficPolicy spec.internalTrafficPolicy; null when absent
 * @param externalTrafficPolicy spec.externalTrafficPolicy; null when absent
 * @param loadBalancer          load-balancer status and settings (never null)
 */
public record Service(
        ObjectRef ref,
        Map<String, String> labels,
        Instant creationTimestamp,
        String type,
        String clusterIP,
        List<String> clusterIPs,
        List<String> ipFamilies,
        String ipFamilyPolicy,
        List<String> externalIPs,
        String externalName,
        List<ServicePort> ports,
        String sessionAffinity,
        Integer sessionAffinityTimeoutSeconds,
        String internalTrafficPolicy,
        String externalTrafficPolicy,
        ServiceLoadBalancer loadBalancer) {

    public Service {
        java.util.Objects.requireNonNull(ref, "ref");
        labels = Immutables.map(labels);
        clusterIPs = Immutables.list(clusterIPs);
        ipFamilies = Immutables.list(ipFamilies);
        externalIPs = Immutables.list(externalIPs);
        ports = Immutables.list(ports);
        loadBalancer = java.util.Objects.requireNonNullElse(loadBalancer, ServiceLoadBalancer.NONE);
    }

    /** A Service without session-affinity timeout and load-balancer fields (the form before they were modelled). */
    public Service(ObjectRef ref, Map<String, String> labels, Instant creationTimestamp, String type, String clusterIP,
                   List<String> clusterIPs, List<String> ipFamilies, String ipFamilyPolicy, List<String> externalIPs,
                   String externalName, List<ServicePort> ports, String sessionAffinity, String internalTrafficPolicy,
                   String externalTrafficPolicy) {
        this(ref, labels, creationTimestamp, type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, externalIPs,
                externalName, ports, sessionAffinity, null, internalTrafficPolicy, externalTrafficPolicy,
                ServiceLoadBalancer.NONE);
    }

    /** A Service without a session-affinity timeout. */
    public Service(ObjectRef ref, Map<String, String> labels, Instant creationTimestamp, String type, String clusterIP,
                   List<String> clusterIPs, List<String> ipFamilies, String ipFamilyPolicy, List<String> externalIPs,
                   String externalName, List<ServicePort> ports, String sessionAffinity, String internalTrafficPolicy,
                   String externalTrafficPolicy, ServiceLoadBalancer loadBalancer) {
        this(ref, labels, creationTimestamp, type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, externalIPs,
                externalName, ports, sessionAffinity, null, internalTrafficPolicy, externalTrafficPolicy, loadBalancer);
    }

    /** A ClusterIP Service with the given ports and nothing else set: a convenience for tests. */
    public static Service clusterIp(ObjectRef ref, String clusterIP, List<ServicePort> ports) {
        return new Service(ref, Map.of(), null, "ClusterIP", clusterIP,
                clusterIP == null ? List.of() : List.of(clusterIP), List.of(), null, List.of(), null, ports, null, null,
                null);
    }
}
