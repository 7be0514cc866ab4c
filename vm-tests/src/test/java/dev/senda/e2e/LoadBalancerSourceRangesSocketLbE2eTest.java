package dev.senda.e2e;

/**
 * The loadBalancerSourceRanges scenario with socket LB: pod clients in the node's cgroup, whose
 * unbound sockets socket LB leaves to per-packet LB for the ranged ingress IPs.
 */
class LoadBalancerSourceRangesSocketLbE2eTest extends LoadBalancerSourceRangesE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
