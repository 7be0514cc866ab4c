package dev.senda.e2e;

/** The traffic distribution scenarios with socket LB on: clients in the node's cgroup. */
class TrafficDistributionSocketLbE2eTest extends TrafficDistributionE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
