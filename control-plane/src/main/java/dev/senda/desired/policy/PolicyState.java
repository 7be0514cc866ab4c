package dev.senda.desired.policy;

import dev.senda.desired.Rejection;

import java.util.List;

/**
 * What NetworkPolicy enforcement this node should program: the output of {@link PolicyCompiler}.
 *
 * @param endpoints  one per local pod that has an IP and is not hostNetwork, sorted by pod
 * @param rejections policies (or parts of them) refused, each naming the policy and the reason; the
 *                   refused part of a policy allows nothing but still isolates the pods it selects
 */
public record PolicyState(List<PolicyEndpoint> endpoints, List<Rejection> rejections) {
    public static final PolicyState EMPTY = new PolicyState(List.of(), List.of());

    public PolicyState {
        endpoints = List.copyOf(endpoints);
        rejections = List.copyOf(rejections);
    }
}
