package dev.senda.bench.api;

import java.util.List;
import java.util.Objects;

/**
 * A benchmark suite: measures something and returns its figures as {@link Row}s. A suite cleans up
 * everything it creates (namespaces, pins, attachments, processes), also when it fails, and bounds
 * every loop in count and time.
 */
public interface BenchSuite {
    /** A short lower-case name, unique among the suites ({@code ./senda bench --suite NAME}). */
    String name();

    /**
     * Runs the suite. Every row's {@link Row#suite()} is {@link #name()}.
     *
     * @throws Exception when the suite cannot measure (the runner reports it and goes on with the
     *                   other suites, exiting non-zero at the end)
     */
    List<Row> run(BenchMode mode) throws Exception;

    /** What a suite written as a plain entry point needs to run: the mode in, rows out. */
    @FunctionalInterface
    interface Body {
        List<Row> run(BenchMode mode) throws Exception;
    }

    /**
     * A suite from a plain entry point, e.g. {@code BenchSuite.of("start", AgentStartBench::run)}:
     * the one line that wires a suite into the runner's list.
     */
    static BenchSuite of(String name, Body body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        return new BenchSuite() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<Row> run(BenchMode mode) throws Exception {
                return body.run(mode);
            }

            @Override
            public String toString() {
                return "BenchSuite[" + name + "]";
            }
        };
    }
}
