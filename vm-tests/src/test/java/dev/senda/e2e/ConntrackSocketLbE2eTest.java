package dev.senda.e2e;

/** The conntrack scenarios with socket LB on: the client pod in node-1's cgroup, its connect() translated. */
class ConntrackSocketLbE2eTest extends ConntrackE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
