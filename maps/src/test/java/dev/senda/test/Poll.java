package dev.senda.test;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling for every module's tests (in the maps test-jar, which the other modules' tests
 * use): wait for an asynchronous effect instead of sleeping and hoping.
 *
 * <p>Contract of every method: the condition is evaluated at least once, then again after a pause
 * until it holds, the time bound passes, or {@value #MAX_ROUNDS} rounds were made, whichever comes
 * first; a timeout fails with an {@link AssertionError} (what JUnit's {@code fail} throws) that says
 * what was awaited, for how long, and the last state seen. An interrupt fails at once and keeps the
 * thread's interrupt flag.
 */
public final class Poll {
    /** The bound of the forms without one. */
    public static final Duration DEFAULT_BOUND = Duration.ofSeconds(30);
    /** Pause between two evaluations of a cheap in-memory condition. */
    public static final Duration DEFAULT_PAUSE = Duration.ofMillis(5);
    /** Count bound of every poll, whatever its time bound. */
    public static final int MAX_ROUNDS = 1_000_000;

    private Poll() {
    }

    /** An attempt that may fail with a checked exception (e.g. a request over the network). */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T get() throws E;
    }

    /** Waits until {@code condition} holds; the failure names {@code what} and the last {@code state}. */
    public static void until(Duration bound, BooleanSupplier condition, String what, Supplier<?> state) {
        until(bound, condition, () -> what + "; state: " + state.get());
    }

    /** {@link #until(Duration, BooleanSupplier, String, Supplier)} with {@link #DEFAULT_BOUND}. */
    public static void until(BooleanSupplier condition, String what, Supplier<?> state) {
        until(DEFAULT_BOUND, condition, what, state);
    }

    /** Waits until {@code condition} holds; {@code message} describes what was awaited and what is seen. */
    public static void until(Duration bound, BooleanSupplier condition, Supplier<String> message) {
        Objects.requireNonNull(condition, "condition");
        result(bound, DEFAULT_PAUSE, condition::getAsBoolean, done -> done, last -> message.get());
    }

    /**
     * Checks that {@code condition} holds at every evaluation throughout {@code period} (to assert
     * that nothing more happens); fails with {@code message} at the first evaluation where it does not.
     */
    public static void holds(Duration period, BooleanSupplier condition, Supplier<String> message) {
        long end = System.nanoTime() + period.toNanos();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if (!condition.getAsBoolean()) throw new AssertionError(message.get());
            if (System.nanoTime() - end >= 0) return;
            if (!pause(DEFAULT_PAUSE)) throw new AssertionError("interrupted while checking: " + message.get());
        }
    }

    /**
     * Repeats {@code attempt} (pausing {@code pause} between attempts) until its result satisfies
     * {@code done}, and returns that result. Exceptions of the attempt propagate at once.
     *
     * @param describe turns the last result (null if none was made) into the failure's description
     */
    public static <T, E extends Exception> T result(Duration bound, Duration pause, Attempt<T, E> attempt,
                                                    Predicate<? super T> done, Function<? super T, String> describe)
            throws E {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        T last = null;
        int rounds = 0;
        while (rounds < MAX_ROUNDS) {
            last = attempt.get();
            rounds++;
            if (done.test(last)) return last;
            if (System.nanoTime() - deadline >= 0) break;
            if (!pause(pause)) throw new AssertionError("interrupted waiting for: " + describe.apply(last));
        }
        throw new AssertionError("timed out after " + (System.nanoTime() - start) / 1_000_000 + " ms ("
                + rounds + " rounds, bound " + bound.toMillis() + " ms) waiting for: " + describe.apply(last));
    }

    /** Sleeps; false (with the interrupt flag set again) when interrupted. */
    private static boolean pause(Duration pause) {
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
