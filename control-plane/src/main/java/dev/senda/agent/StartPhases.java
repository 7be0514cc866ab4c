package dev.senda.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Where the agent's start goes: the time from the process's start (the kernel's, so JVM start and
 * class loading before {@code main} count) to each phase's end, for the one "start phases" log line.
 * Not thread-safe: the agent's start runs on one thread; {@link #sinceStartMillis()} may come from another
 * and only reads.
 */
final class StartPhases {
    private final long originNanos;
    private final LongSupplier clock;
    private final List<String> done = new ArrayList<>();
    private long lastNanos;

    /**
     * @param sinceProcessStart how long the process had run when this was made (zero when unknown)
     * @param clock             nanoseconds, monotonic
     */
    StartPhases(Duration sinceProcessStart, LongSupplier clock) {
        this.clock = clock;
        long now = clock.getAsLong();
        this.originNanos = now - sinceProcessStart.toNanos();
        this.lastNanos = now;
        done.add("jvm+cli " + sinceProcessStart.toMillis() + " ms");
    }

    /** Measured from this process's start (as the kernel recorded it); from now when that is not known. */
    static StartPhases sinceProcessStart() {
        Optional<Instant> started = ProcessHandle.current().info().startInstant();
        Duration since = started.map(s -> Duration.between(s, Instant.now())).filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
        return new StartPhases(since, System::nanoTime);
    }

    /** Ends the phase {@code name}, which began when the previous one ended. */
    void mark(String name) {
        long now = clock.getAsLong();
        done.add(name + " " + (now - lastNanos) / 1_000_000 + " ms");
        lastNanos = now;
    }

    /** Milliseconds from the process's start to now. */
    long sinceStartMillis() {
        return (clock.getAsLong() - originNanos) / 1_000_000;
    }

    /** "jvm+cli 412 ms, kernel features 31 ms, ..." in the order marked. */
    String summary() {
        return String.join(", ", done);
    }
}
