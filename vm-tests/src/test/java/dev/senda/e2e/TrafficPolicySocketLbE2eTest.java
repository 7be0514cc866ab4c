package dev.senda.e2e;

/** The traffic-policy scenarios with socket LB on: pods in their node's cgroup, outside traffic on tc. */
class TrafficPolicySocketLbE2eTest extends TrafficPolicyE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
