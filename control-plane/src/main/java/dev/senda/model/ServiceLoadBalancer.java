package dev.senda.model;

import java.util.List;

/**
 * The parts of a Service that concern load balancers, as given: {@code status.loadBalancer.ingress}
 * and the spec fields that go with it.
 *
 * @param ingress                       status.loadBalancer.ingress (never null)
 * @param allocateLoadBalancerNodePorts spec.allocateLoadBalancerNodePorts; null when absent (the API
 *                                      default is true)
 * @param healthCheckNodePort           spec.healthCheckNodePort; null when absent
 * @param sourceRanges                  spec.loadBalancerSourceRanges as given (never null)
 */
public record ServiceLoadBalancer(List<Ingress> ingress, Boolean allocateLoadBalancerNodePorts,
                                  Integer healthCheckNodePort, List<String> sourceRanges) {
    /** Nothing set. */
    public static final ServiceLoadBalancer NONE = new ServiceLoadBalancer(List.of(), null, null, List.of());

    public ServiceLoadBalancer {
        ingress = Immutables.list(ingress);
        sourceRanges = Immutables.list(sourceRanges);
    }

    /**
     * One entry of status.loadBalancer.ingress.
     *
     * @param ip       null when absent (a hostname-only entry)
     * @param hostname null when absent
     * @param ipMode   "VIP", "Proxy" or whatever was given; null when absent (the API treats it as VIP)
     */
    public record Ingress(String ip, String hostname, String ipMode) {
    }
}
