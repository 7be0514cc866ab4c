package dev.senda.e2e;

/** The NodePort scenarios with socket LB on: pods and host processes in the node's cgroup, outside traffic on tc. */
class NodePortSocketLbE2eTest extends NodePortServicesE2e {
    @Override
    boolean socketLb() {
        return true;
    }
}
