package dev.senda.desired.policy;

import dev.senda.model.Snapshot;

/**
 * NetworkPolicy compiler: THE entry point for the agent's sync. Pure: the same snapshot and node name
 * always give the same {@link PolicyState}.
 */
public final class PolicyCompiler {
    private PolicyCompiler() {
    }

    /**
     * The policy this node enforces: one {@link PolicyEndpoint} per pod of {@code nodeName}.
     *
     * @param snapshot every Pod, Namespace and NetworkPolicy the source delivered
     * @param nodeName this node's name, as in the pods' {@code spec.nodeName}
     */
    public static PolicyState compile(Snapshot snapshot, String nodeName) {
        return PolicyState.EMPTY; // filled in by the next commits: the snapshot holds no pods yet
    }
}
