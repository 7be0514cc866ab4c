package dev.senda.e2e;

/** {@link NginxIngressE2e} with socket LB (nginx in the node's cgroup). */
class NginxIngressSocketLbE2eTest extends NginxIngressE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
