package dev.senda.e2e;

/** {@link ClusterDnsE2e} with per-packet LB only (the resolver's flow is moved on by the datapath's conntrack). */
class ClusterDnsPerPacketE2eTest extends ClusterDnsE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
