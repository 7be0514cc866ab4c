package dev.senda.e2e;

/** {@link ClusterDnsE2e} with socket LB (the resolver's connected socket is closed by the agent when its DNS pod leaves). */
class ClusterDnsSocketLbE2eTest extends ClusterDnsE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
