package dev.senda.e2e;

/** The representative NetworkPolicy matrix cases ({@link NetpolE2e}) with socket LB translating Services (probers inside the cgroup). */
class NetpolSocketLbE2eTest extends NetpolE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
