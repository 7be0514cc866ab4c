package dev.senda.maps.table;

/**
 * Decides which write fails, across every {@link FaultInjectingTypedMap} that shares it, so that a
 * test can fail "the n-th write of an apply" whatever table it lands in.
 *
 * <p>Writes are puts and deletes, counted from 1 in call order. The armed write throws
 * {@link MapWriteException} before it reaches the real map (so, as the {@link TypedMap} contract
 * requires, the entry stays as it was). Thread-safe.
 */
public final class FaultInjector {
    private long writes;
    private long failAt;     // absolute write number that fails; 0 = none armed
    private long failures;

    /** Arms one failure: the {@code n}-th write after this call (1 = the very next one). */
    public synchronized void failNthWriteFromNow(int n) {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, was " + n);
        failAt = writes + n;
    }

    /** Disarms a pending failure. */
    public synchronized void disarm() {
        failAt = 0;
    }

    /** Writes attempted so far, failed ones included. */
    public synchronized long writes() {
        return writes;
    }

    /** Writes failed on purpose so far. */
    public synchronized long failures() {
        return failures;
    }

    /** Counts one write; throws when it is the armed one. */
    synchronized void count(java.util.function.Supplier<String> what) {
        writes++;
        if (writes == failAt) {
            failAt = 0;
            failures++;
            throw new MapWriteException("injected failure of write #" + writes + ": " + what.get());
        }
    }
}
