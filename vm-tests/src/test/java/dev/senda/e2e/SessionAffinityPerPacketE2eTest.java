package dev.senda.e2e;

/** The session-affinity scenarios through per-packet tc LB (--socket-lb=false), clients outside the cgroup. */
class SessionAffinityPerPacketE2eTest extends SessionAffinityServicesE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
