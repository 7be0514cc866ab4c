package dev.senda.e2e;

/** The ESIPP scenarios with socket LB on: pods in their node's cgroup, outside traffic on tc. */
class EsippSocketLbE2eTest extends EsippE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
