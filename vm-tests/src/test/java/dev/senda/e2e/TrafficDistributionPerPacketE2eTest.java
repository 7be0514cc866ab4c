package dev.senda.e2e;

/** The traffic distribution scenarios with per-packet LB only ({@code --socket-lb=false}): clients on tc. */
class TrafficDistributionPerPacketE2eTest extends TrafficDistributionE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
