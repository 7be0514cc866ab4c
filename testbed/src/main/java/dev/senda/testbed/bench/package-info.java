/**
 * The end-to-end connect benchmark: {@link dev.senda.testbed.bench.ConnectBench#run} measures new
 * TCP connections from a pod through a Service VIP with Senda's socket LB and per-packet LB, beside
 * a direct connection and beside kube-proxy's iptables and nftables rules for the same Services
 * ({@link dev.senda.testbed.bench.IptablesRules}, {@link dev.senda.testbed.bench.NftRules}), each
 * in its own testbed ({@link dev.senda.testbed.bench.Lane}), and returns plain rows
 * ({@link dev.senda.bench.api.Row}: suite, case, metric, value, unit) for a
 * benchmark runner to print or store. {@link dev.senda.testbed.bench.ConnectBenchMain} runs it by hand.
 * Needs root, and the iptables and nftables packages for the kube-proxy modes; nothing touches the
 * host's own tables.
 */
package dev.senda.testbed.bench;
