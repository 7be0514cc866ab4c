package dev.senda.source;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Bounded polling for asynchronous effects: never sleep-and-hope. */
final class Poll {
    static final Duration DEFAULT = Duration.ofSeconds(30);

    private Poll() {
    }

    /** Waits until {@code condition} holds, failing with {@code what} (and {@code state}) after {@code timeout}. */
    static void until(Duration timeout, BooleanSupplier condition, String what, Supplier<?> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int round = 0; ; round++) {
            if (condition.getAsBoolean()) return;
            if (System.nanoTime() > deadline || round > 100_000) {
                fail("timed out after " + timeout + " waiting for " + what + "; state: " + state.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    static void until(BooleanSupplier condition, String what, Supplier<?> state) {
        until(DEFAULT, condition, what, state);
    }
}
