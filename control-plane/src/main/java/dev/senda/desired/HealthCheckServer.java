package dev.senda.desired;

import dev.senda.model.ObjectRef;

import dev.senda.net.IpFamily;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One health-check node port desired state wants served: kube-proxy's {@code healthCheckNodePort} of
 * a LoadBalancer Service with {@code externalTrafficPolicy: Local}. An external load balancer probes
 * it on every node and sends traffic only to nodes that answer 200, which are those with local ready
 * endpoints.
 *
 * <p>Per family, as kube-proxy runs one proxier (and one health server) per family: a node address of
 * a family the Service has answers with that family's count; the Service's other families get no
 * listener.
 *
 * @param service        namespace/name of the Service
 * @param port           the TCP port, 1..65535 (validated)
 * @param localEndpoints for each family of the Service, its ready endpoints of that family on this node
 *                       (each address once, over all its ports); terminating endpoints do not count
 */
public record HealthCheckServer(ObjectRef service, int port, Map<IpFamily, Integer> localEndpoints) {
    public HealthCheckServer {
        Objects.requireNonNull(service, "service");
        if (port < 1 || port > 0xffff) throw new IllegalArgumentException("port " + port + " out of range");
        if (localEndpoints.isEmpty()) throw new IllegalArgumentException("no family");
        if (localEndpoints.values().stream().anyMatch(n -> n < 0)) throw new IllegalArgumentException("negative localEndpoints");
        localEndpoints = Collections.unmodifiableMap(new EnumMap<>(localEndpoints));
    }

    /** A dual-stack Service's server with {@code localEndpoints} in each family. */
    public HealthCheckServer(ObjectRef service, int port, int localEndpoints) {
        this(service, port, Map.of(IpFamily.IPV4, localEndpoints, IpFamily.IPV6, localEndpoints));
    }

    /** Whether node addresses of {@code family} serve it. */
    public boolean serves(IpFamily family) {
        return localEndpoints.containsKey(family);
    }

    /** The count an address of {@code family} answers with (0 for a family the Service lacks). */
    public int localEndpoints(IpFamily family) {
        return localEndpoints.getOrDefault(family, 0);
    }
}
