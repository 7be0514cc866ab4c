package dev.senda.desired;

import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Service that passed {@link ServiceParser}: everything the expanders and endpoint selection need,
 * validated, and nothing of the Kubernetes object's shape.
 *
 * @param ref               namespace/name
 * @param creationTimestamp null when unknown; only orders Services in a conflict
 * @param type              the Service type
 * @param clusterIps        one address per family, in {@code spec.clusterIPs} order (the primary family
 *                          first); never empty
 * @param ports             validated ports, in spec order; never empty; distinct names and number/protocol
 * @param trafficPolicies   "Cluster", "Local" or unset (checked)
 * @param external          node ports, load-balancer and external IPs, validated
 * @param affinity          session affinity, for every frontend of the Service
 */
record ParsedService(ObjectRef ref, Instant creationTimestamp, ServiceType type, List<IpAddress> clusterIps,
                     List<ParsedPort> ports, TrafficPolicies trafficPolicies, ExternalAddresses external,
                     SessionAffinity affinity) {
    ParsedService {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(trafficPolicies, "trafficPolicies");
        Objects.requireNonNull(external, "external");
        Objects.requireNonNull(affinity, "affinity");
        clusterIps = List.copyOf(clusterIps);
        ports = List.copyOf(ports);
        if (clusterIps.isEmpty()) throw new IllegalArgumentException(ref + ": no cluster IP");
        if (ports.isEmpty()) throw new IllegalArgumentException(ref + ": no ports");
        Set<IpFamily> families = new HashSet<>();
        for (IpAddress ip : clusterIps) {
            if (!families.add(ip.family())) throw new IllegalArgumentException(ref + ": two " + ip.family() + " cluster IPs");
        }
    }

    /** A Service with cluster IPs only, without session affinity. */
    ParsedService(ObjectRef ref, Instant creationTimestamp, ServiceType type, List<IpAddress> clusterIps,
                  List<ParsedPort> ports, TrafficPolicies trafficPolicies) {
        this(ref, creationTimestamp, type, clusterIps, ports, trafficPolicies, ExternalAddresses.NONE,
                SessionAffinity.NONE);
    }

    /** The same Service with other external addresses. */
    ParsedService withExternal(ExternalAddresses external) {
        return new ParsedService(ref, creationTimestamp, type, clusterIps, ports, trafficPolicies, external, affinity);
    }

    /** namespace/name:port of one of this Service's ports. */
    ServicePortName portName(ParsedPort port) {
        return new ServicePortName(ref.namespace(), ref.name(), port.name());
    }
}
