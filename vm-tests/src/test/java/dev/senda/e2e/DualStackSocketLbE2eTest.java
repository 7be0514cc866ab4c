package dev.senda.e2e;

/** The dual-stack scenarios through socket LB (cgroup connect4/6, sendmsg4/6, ...), clients in the cgroup. */
class DualStackSocketLbE2eTest extends DualStackServicesE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
