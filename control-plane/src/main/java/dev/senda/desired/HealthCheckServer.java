package dev.senda.desired;

import dev.senda.model.ObjectRef;

import java.util.Objects;

/**
 * One health-check node port desired state wants served: kube-proxy's {@code healthCheckNodePort} of
 * a LoadBalancer Service with {@code externalTrafficPolicy: Local}. An external load balancer probes
 * it on every node and sends traffic only to nodes that answer 200, which are those with local ready
 * endpoints.
 *
 * @param service        namespace/name of the Service
 * @param port           the TCP port, 1..65535 (validated)
 * @param localEndpoints the Service's ready endpoints on this node (each address once, over all its
 *                       ports and families); terminating endpoints do not count
 */
public record HealthCheckServer(ObjectRef service, int port, int localEndpoints) {
    public HealthCheckServer {
        Objects.requireNonNull(service, "service");
        if (port < 1 || port > 0xffff) throw new IllegalArgumentException("port " + port + " out of range");
        if (localEndpoints < 0) throw new IllegalArgumentException("negative localEndpoints");
    }
}
