package dev.senda.e2e;

/** Every NetworkPolicy matrix case with per-packet LB on tc translating Services (--socket-lb=false). */
class NetpolPerPacketE2eTest extends NetpolAllCasesE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
