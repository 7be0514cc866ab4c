package dev.senda.e2e;

/** The ClusterIP scenarios through socket LB (cgroup connect4/sendmsg4/recvmsg4/getpeername4), clients in the cgroup. */
class SocketLbServicesE2eTest extends ClusterIpServicesE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
