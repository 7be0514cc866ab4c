package dev.senda.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * Measured from this process's start as the kernel recorded it ({@link #processAge}); where that cannot
     * be read (a container whose {@code /proc/uptime} is its own), from the JDK's start instant, up to a
     * second too early; from now when neither is known.
     */
    static StartPhases sinceProcessStart() {
        Optional<Duration> age;
        try {
            age = processAge(Files.readString(Path.of("/proc/self/stat")), Files.readString(Path.of("/proc/uptime")));
        } catch (IOException | RuntimeException e) {
            age = Optional.empty();
        }
        Duration since = age.or(() -> ProcessHandle.current().info().startInstant()
                        .map(s -> Duration.between(s, java.time.Instant.now())).filter(d -> !d.isNegative()))
                .orElse(Duration.ZERO);
        return new StartPhases(since, System::nanoTime);
    }

    /**
     * How long the process of {@code stat} ({@code /proc/PID/stat}) has run at {@code uptime}
     * ({@code /proc/uptime}), both counted from the node's boot: the stat's start time is in clock ticks of
     * USER_HZ, 100 per second on every Linux architecture, so the figure is good to 10 ms. Not
     * {@code ProcessHandle.Info.startInstant()}: the JDK adds that to the boot time of {@code /proc/stat},
     * which the kernel truncates to whole seconds, so every figure from it was off by the same fraction of
     * a second, up to one (0.21 s too long on this machine kind's last boot).
     *
     * @return empty when either text is not what the kernel writes, or the start lies after the uptime
     */
    static Optional<Duration> processAge(String stat, String uptime) {
        // the command name (field 2) is in parentheses and may hold spaces and parentheses itself
        int commEnd = stat.lastIndexOf(')');
        if (commEnd < 0) return Optional.empty();
        String[] after = stat.substring(commEnd + 1).trim().split("\\s+");
        // field 22 (starttime) is the 20th after the command name: state is field 3
        if (after.length < 20) return Optional.empty();
        String[] up = uptime.trim().split("\\s+");
        try {
            long startTicks = Long.parseLong(after[19]);
            long nowMillis = new java.math.BigDecimal(up[0]).movePointRight(3).longValue();
            long ageMillis = nowMillis - startTicks * (1000 / USER_HZ);
            return ageMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ageMillis));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The unit of {@code /proc/PID/stat}'s times: fixed at 100 for user space on every architecture. */
    private static final int USER_HZ = 100;

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
