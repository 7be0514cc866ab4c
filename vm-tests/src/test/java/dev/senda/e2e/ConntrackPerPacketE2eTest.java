package dev.senda.e2e;

/** The conntrack scenarios with per-packet LB only ({@code --socket-lb=false}): the client's datagrams on tc. */
class ConntrackPerPacketE2eTest extends ConntrackE2e {
    @Override
    boolean socketLb() {
        return false;
    }
}
