package dev.senda.e2e;

/** The dual-stack scenarios through per-packet tc LB (--socket-lb=false), clients outside the cgroup. */
class DualStackPerPacketE2eTest extends DualStackServicesE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
