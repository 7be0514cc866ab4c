package dev.senda.e2e;

/** The ClusterIP scenarios through per-packet LB on tc (--socket-lb=false), clients outside the cgroup. */
class PerPacketServicesE2eTest extends ClusterIpServicesE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
