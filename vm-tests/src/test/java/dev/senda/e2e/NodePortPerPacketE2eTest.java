package dev.senda.e2e;

/** The NodePort scenarios with per-packet LB only ({@code --socket-lb=false}): pods and outside traffic on tc. */
class NodePortPerPacketE2eTest extends NodePortServicesE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
