/**
 * The datapath's own counters: {@link dev.senda.maps.metrics.DatapathEvent} mirrors
 * {@code enum senda_metric} of {@code bpf/lib/metrics.h}, and
 * {@link dev.senda.maps.metrics.DatapathCounters} reads the per-CPU map {@code senda_metrics_v1}
 * and sums it over the possible CPUs ({@link dev.senda.maps.metrics.PossibleCpus}).
 */
package dev.senda.maps.metrics;
