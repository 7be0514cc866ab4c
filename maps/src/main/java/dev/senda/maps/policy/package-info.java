/**
 * The NetworkPolicy tables ({@code bpf/lib/abi/policy.h}): per family the local pods
 * ({@code senda_polep{4,6}_v1}), their rules ({@code senda_polrule{4,6}_v1}, LPM tries) and the policy
 * conntrack the datapath writes ({@code senda_polct{4,6}_v1}); the per-CPU verdict counters
 * ({@code senda_polstats_v1}, read by {@link dev.senda.maps.policy.PolicyCounters}) and the agent's
 * setting for pods not yet computed ({@code senda_polcfg_v1}). Declared in
 * {@link dev.senda.maps.policy.PolicyTables}.
 */
package dev.senda.maps.policy;
