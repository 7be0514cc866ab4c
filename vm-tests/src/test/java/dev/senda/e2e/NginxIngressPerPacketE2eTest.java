package dev.senda.e2e;

/** {@link NginxIngressE2e} with per-packet LB only. */
class NginxIngressPerPacketE2eTest extends NginxIngressE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
