/**
 * The contract between the benchmark runner ({@code ./senda bench}, module {@code bench},
 * {@code dev.senda.bench.BenchMain}) and the suites it runs: a suite is a name and a function from a
 * {@link dev.senda.bench.api.BenchMode} to {@link dev.senda.bench.api.Row}s.
 *
 * <p>It lives in the testbed module, not in {@code bench}, so that suites written here (end to end, in
 * network namespaces) can implement it without a dependency cycle: {@code bench} depends on the
 * testbed, the testbed on the control plane. It is kept small on purpose: suites on other branches are
 * wired into the runner with one line ({@link dev.senda.bench.api.BenchSuite#of}).
 */
package dev.senda.bench.api;
