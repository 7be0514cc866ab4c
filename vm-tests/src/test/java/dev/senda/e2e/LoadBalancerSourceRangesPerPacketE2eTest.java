package dev.senda.e2e;

/** The loadBalancerSourceRanges scenario with per-packet LB only ({@code --socket-lb=false}). */
class LoadBalancerSourceRangesPerPacketE2eTest extends LoadBalancerSourceRangesE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
