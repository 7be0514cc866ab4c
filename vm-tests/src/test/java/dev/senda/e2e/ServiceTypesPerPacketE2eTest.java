package dev.senda.e2e;

/** The Service-type scenarios with per-packet LB only ({@code --socket-lb=false}): pods and outside traffic on tc. */
class ServiceTypesPerPacketE2eTest extends ServiceTypesE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
