package dev.senda.e2e;

/** The traffic-policy scenarios with per-packet LB only ({@code --socket-lb=false}): pods and outside traffic on tc. */
class TrafficPolicyPerPacketE2eTest extends TrafficPolicyE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
