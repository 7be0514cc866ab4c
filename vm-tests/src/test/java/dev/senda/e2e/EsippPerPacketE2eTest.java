package dev.senda.e2e;

/** The ESIPP scenarios with per-packet LB only ({@code --socket-lb=false}): pods and outside traffic on tc. */
class EsippPerPacketE2eTest extends EsippE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
