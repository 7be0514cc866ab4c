package dev.senda.reconcile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a sync function on one dedicated thread: coalesces bursts of {@link #requestSync()} (min
 * interval), forces a periodic full resync (max interval), retries failures with bounded
 * exponential backoff, and reports each sync's duration and network-programming latency to
 * {@link Observer}s. The timing rules are in {@link SyncSchedule}.
 *
 * <p>Syncs never overlap: a request that arrives while a sync runs is handled by the next one.
 * The sync function always works on the whole current state, so coalescing loses nothing.
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #close()} (waits for a running sync to end).
 */
public final class SyncRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncRunner.class);
    /** How long {@link #close()} waits for a running sync before interrupting it. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    /** The work: computes the desired state and applies it. Runs on the runner's thread only. */
    @FunctionalInterface
    public interface SyncFunction {
        /** A thrown exception counts as a failure (logged, retried with backoff). */
        SyncResult sync(SyncReason reason) throws Exception;
    }

    /** Told about every finished sync, on the runner's thread; must be quick and must not block. */
    @FunctionalInterface
    public interface Observer {
        void syncFinished(SyncReport report);
    }

    /**
     * Timing settings.
     *
     * @param minInterval    least time between the starts of two syncs (burst coalescing)
     * @param maxInterval    longest time without a sync (periodic full resync)
     * @param initialBackoff delay before the first retry of a failed sync; doubles per failure
     * @param maxBackoff     bound of the retry delay
     */
    public record Settings(Duration minInterval, Duration maxInterval, Duration initialBackoff, Duration maxBackoff) {
        public Settings {
            requirePositive("minInterval", minInterval);
            requirePositive("maxInterval", maxInterval);
            requirePositive("initialBackoff", initialBackoff);
            requirePositive("maxBackoff", maxBackoff);
            if (minInterval.compareTo(maxInterval) > 0) {
                throw new IllegalArgumentException("minInterval " + minInterval + " > maxInterval " + maxInterval);
            }
            if (initialBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalArgumentException("initialBackoff " + initialBackoff + " > maxBackoff " + maxBackoff);
            }
        }

        /** 100 ms min interval, 60 s max interval, retries after 500 ms doubling up to 30 s. */
        public static Settings defaults() {
            return new Settings(Duration.ofMillis(100), Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(30));
        }

        public Settings withMinInterval(Duration d) {
            return new Settings(d, maxInterval, initialBackoff, maxBackoff);
        }

        public Settings withMaxInterval(Duration d) {
            return new Settings(minInterval, d, initialBackoff, maxBackoff);
        }

        public Settings withBackoff(Duration initial, Duration max) {
            return new Settings(minInterval, maxInterval, initial, max);
        }

        private static void requirePositive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    private final SyncFunction function;
    private final Settings settings;
    private final List<Observer> observers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private SyncSchedule schedule;
    private boolean started;
    private volatile boolean closed;
    /** The detail of the last failed sync, null after a success (runner thread only). */
    private String lastFailure;

    public SyncRunner(String name, SyncFunction function, Settings settings, Observer... observers) {
        this.function = Objects.requireNonNull(function, "function");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.observers = List.of(observers);
        this.thread = Thread.ofPlatform().name(Objects.requireNonNull(name, "name")).daemon(true).unstarted(this::loop);
    }

    public Settings settings() {
        return settings;
    }

    /** Starts the thread. The first sync runs on the first request, or after the max interval. */
    public void start() {
        lock.lock();
        try {
            if (started) throw new IllegalStateException("already started");
            if (closed) throw new IllegalStateException("closed");
            started = true;
            if (schedule == null) schedule = new SyncSchedule(settings, System.nanoTime());
        } finally {
            lock.unlock();
        }
        thread.start();
    }

    /**
     * Asks for a sync soon. Cheap and non-blocking; call it from event handlers. Requests made
     * before {@link #start()} are kept and handled right after it.
     */
    public void requestSync() {
        long now = System.nanoTime();
        lock.lock();
        try {
            if (schedule == null) schedule = new SyncSchedule(settings, now);
            schedule.request(now);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Failures since the last successful sync. */
    public int consecutiveFailures() {
        lock.lock();
        try {
            return schedule == null ? 0 : schedule.consecutiveFailures();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (!closed) {
            SyncSchedule.Batch batch;
            lock.lock();
            try {
                long delay = schedule.delayUntilNext(System.nanoTime());
                if (delay > 0) {
                    changed.awaitNanos(delay);
                    continue;  // re-evaluate: a request or close() may have woken us
                }
                batch = schedule.begin(System.nanoTime());
            } catch (InterruptedException e) {
                if (closed) return;
                continue;
            } finally {
                lock.unlock();
            }
            runOnce(batch);
        }
    }

    private void runOnce(SyncSchedule.Batch batch) {
        long start = System.nanoTime();
        SyncResult result;
        try {
            result = Objects.requireNonNull(function.sync(batch.reason()), "sync function returned null");
        } catch (Exception e) {
            LOG.warn("sync ({}) threw", batch.reason(), e);
            result = SyncResult.failure(e.toString());
        }
        long end = System.nanoTime();
        long latency;
        int failures;
        lock.lock();
        try {
            latency = schedule.finish(end, result.success(), batch);
            failures = schedule.consecutiveFailures();
        } finally {
            lock.unlock();
        }
        if (!result.success()) {
            // Once per kind of failure: a full map fails every retry the same way, and its line was said.
            boolean repeat = result.detail().equals(lastFailure);
            lastFailure = result.detail();
            if (!repeat || LOG.isDebugEnabled()) {
                String line = "sync ({}) failed ({} in a row), retrying in {} ms: {}"
                        + (repeat ? "" : " (said once while it fails the same way)");
                Object[] args = {batch.reason(), failures, TimeUnit.NANOSECONDS.toMillis(schedule.backoff(failures)),
                        result.detail()};
                if (repeat) LOG.debug(line, args);
                else LOG.warn(line, args);
            }
        } else {
            lastFailure = null;
        }
        if (result.success() && LOG.isDebugEnabled()) {
            LOG.debug("sync ({}) done in {} ms", batch.reason(), TimeUnit.NANOSECONDS.toMillis(end - start));
        }
        SyncReport report = new SyncReport(batch.reason(), result, Duration.ofNanos(end - start),
                latency < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(latency)));
        for (Observer o : observers) {
            try {
                o.syncFinished(report);
            } catch (RuntimeException e) {
                LOG.warn("sync observer {} failed", o, e);
            }
        }
    }

    /** Stops the thread, waiting for a running sync to finish (interrupting it after a grace period). */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (!thread.isAlive()) return;
        try {
            if (!thread.join(CLOSE_GRACE)) {
                LOG.warn("sync still running after {}; interrupting it", CLOSE_GRACE);
                thread.interrupt();
                thread.join(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
