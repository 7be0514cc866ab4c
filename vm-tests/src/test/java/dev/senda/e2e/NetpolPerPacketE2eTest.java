package dev.senda.e2e;

/** The NetworkPolicy matrix cases with per-packet LB on tc translating Services (--socket-lb=false). */
class NetpolPerPacketE2eTest extends NetpolE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
