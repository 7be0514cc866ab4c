/**
 * NetworkPolicy as this node enforces it: per local pod, whether it is isolated in each direction and
 * the longest-prefix-match rules (remote prefix -> allowed protocol/port ranges) that apply, with the
 * compiler having resolved every overlap of selectors, ipBlocks and excepts. Pure data, computed from a
 * {@link dev.senda.model.Snapshot} by {@link dev.senda.desired.policy.PolicyCompiler}.
 */
package dev.senda.desired.policy;
