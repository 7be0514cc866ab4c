package dev.senda.reconcile;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Bounded polling for tests: no sleep-and-hope. */
final class Poll {
    private Poll() {
    }

    /** Waits until {@code condition} holds, failing with {@code message} after {@code timeout}. */
    static void until(Duration timeout, BooleanSupplier condition, Supplier<String> message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out after " + timeout + ": " + message.get());
            pause();
        }
    }

    /** Checks that {@code condition} holds throughout {@code period} (for asserting that nothing more happens). */
    static void holds(Duration period, BooleanSupplier condition, Supplier<String> message) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() - end < 0) {
            if (!condition.getAsBoolean()) fail(message.get());
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
