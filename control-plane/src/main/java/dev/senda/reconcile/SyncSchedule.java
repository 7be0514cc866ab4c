package dev.senda.reconcile;

/**
 * The timing rules of {@link SyncRunner}, as a pure state machine over a nanosecond clock (any
 * origin, compared by difference as {@link System#nanoTime()} requires), so tests can drive it
 * with invented times.
 *
 * <ul>
 *   <li>A request makes a sync due at once, but never sooner than {@code minInterval} after the
 *       previous sync started: a burst of requests is handled by one sync.</li>
 *   <li>Without requests, a sync is due {@code maxInterval} after the previous one started
 *       (periodic full resync).</li>
 *   <li>After a failure, a retry is due after a backoff that doubles per consecutive failure, from
 *       {@code initialBackoff} up to {@code maxBackoff}. New requests are still honoured at the min
 *       interval (they may carry the change that fixes the failure); the backoff only spaces out
 *       retries that nothing asked for.</li>
 *   <li>Requests not yet handled by a successful sync are remembered by their earliest time, so
 *       the programming latency of a batch that needed retries includes the retries.</li>
 * </ul>
 *
 * Not thread-safe: {@link SyncRunner} calls it under its lock.
 */
final class SyncSchedule {
    /** A started sync: why, and the earliest request it covers (if any). */
    record Batch(SyncReason reason, boolean coversRequests, long firstRequestNanos) {
    }

    private final long minInterval;
    private final long maxInterval;
    private final long initialBackoff;
    private final long maxBackoff;

    private boolean running;
    private boolean started;
    private long lastStart;
    /** Start of the previous sync, or creation time before the first one: base of the periodic timer. */
    private long periodicBase;
    /** Requests since the last sync started. */
    private boolean pending;
    private long pendingSince;
    /** Requests covered by a sync that failed: still unhandled, for the latency. */
    private boolean unhandled;
    private long unhandledSince;
    private int failures;
    private long retryAt;

    SyncSchedule(SyncRunner.Settings settings, long now) {
        this.minInterval = settings.minInterval().toNanos();
        this.maxInterval = settings.maxInterval().toNanos();
        this.initialBackoff = settings.initialBackoff().toNanos();
        this.maxBackoff = settings.maxBackoff().toNanos();
        this.periodicBase = now;
    }

    void request(long now) {
        if (!pending) {
            pending = true;
            pendingSince = now;
        }
    }

    /** Nanoseconds from {@code now} until the next sync is due (&lt;= 0: due now); {@code Long.MAX_VALUE} while one runs. */
    long delayUntilNext(long now) {
        if (running) return Long.MAX_VALUE;
        long due = periodicBase + maxInterval;
        if (pending) due = earlier(due, notBeforeMinInterval(pendingSince));
        if (failures > 0) due = earlier(due, notBeforeMinInterval(retryAt));
        return due - now;
    }

    Batch begin(long now) {
        if (running) throw new IllegalStateException("a sync is already running");
        SyncReason reason = pending ? SyncReason.REQUESTED : failures > 0 ? SyncReason.RETRY : SyncReason.PERIODIC;
        boolean covers = pending || unhandled;
        long first = pending && unhandled ? earlier(pendingSince, unhandledSince) : pending ? pendingSince : unhandledSince;
        running = true;
        started = true;
        lastStart = now;
        periodicBase = now;
        pending = false;
        unhandled = false;
        return new Batch(reason, covers, first);
    }

    /**
     * Records the end of the sync started by {@code batch}.
     *
     * @return the programming latency in nanoseconds for a successful sync that covered requests, else -1
     */
    long finish(long now, boolean success, Batch batch) {
        if (!running) throw new IllegalStateException("no sync is running");
        running = false;
        if (success) {
            failures = 0;
            return batch.coversRequests() ? Math.max(0, now - batch.firstRequestNanos()) : -1;
        }
        failures++;
        retryAt = now + backoff(failures);
        if (batch.coversRequests()) {
            unhandled = true;
            unhandledSince = batch.firstRequestNanos();
        }
        return -1;
    }

    /** initialBackoff * 2^(failures-1), capped at maxBackoff (no overflow). */
    long backoff(int failures) {
        long b = initialBackoff;
        for (int i = 1; i < failures && b < maxBackoff; i++) b = b > maxBackoff / 2 ? maxBackoff : b * 2;
        return Math.min(b, maxBackoff);
    }

    int consecutiveFailures() {
        return failures;
    }

    private long notBeforeMinInterval(long t) {
        return started ? later(t, lastStart + minInterval) : t;
    }

    private static long earlier(long a, long b) {
        return a - b < 0 ? a : b;
    }

    private static long later(long a, long b) {
        return a - b > 0 ? a : b;
    }
}
