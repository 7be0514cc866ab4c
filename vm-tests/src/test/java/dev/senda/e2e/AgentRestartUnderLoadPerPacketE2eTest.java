package dev.senda.e2e;

/** The restarts under load with per-packet LB only ({@code --socket-lb=false}): every packet through tc and its conntrack. */
class AgentRestartUnderLoadPerPacketE2eTest extends AgentRestartUnderLoadE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
