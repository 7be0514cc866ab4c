package dev.senda.e2e;

/** The Service-type scenarios with socket LB on: pods in their node's cgroup, outside traffic on tc. */
class ServiceTypesSocketLbE2eTest extends ServiceTypesE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
