package dev.senda.bench.api;

/**
 * How long a suite may take. {@link #SHORT} runs every case at tiny sizes so that the whole suite
 * takes seconds (it runs in {@code ./senda test}, so a suite cannot rot); {@link #FULL} runs the sizes
 * the README's table reports.
 */
public enum BenchMode {
    SHORT,
    FULL
}
