package dev.senda.e2e;

/** The session-affinity scenarios through socket LB, clients in the cgroup (the netns is the client). */
class SessionAffinitySocketLbE2eTest extends SessionAffinityServicesE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
