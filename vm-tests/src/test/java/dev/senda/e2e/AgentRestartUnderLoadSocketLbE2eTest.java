package dev.senda.e2e;

/** The restarts under load with socket LB: every client in the node's cgroup, its connect() translated. */
class AgentRestartUnderLoadSocketLbE2eTest extends AgentRestartUnderLoadE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
