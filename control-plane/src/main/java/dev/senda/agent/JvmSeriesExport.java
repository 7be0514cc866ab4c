package dev.senda.agent;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Registers the JVM's metrics ({@link Metrics#exportJvm}) once the first sync is done, or
 * {@value #LATEST_MILLIS} ms after the metrics server started at the latest (an agent whose first sync
 * waits for an API server still shows what it costs), on a thread of its own.
 *
 * <p>Why later: the start is CPU-bound on a node's two cores (the source's readers, the kernel's verifier,
 * the JIT compiler and the collector share them), and registering the series cost 0.16-0.42 s of CPU in
 * that window (two measured rounds) at 10,000 Services (the JVM's management classes, and a listener on each of the start's
 * hundred collections). Until then a scrape has Senda's and kube-proxy's series but no {@code jvm_*} or
 * {@code process_*} ones.
 *
 * <p>Thread-safe; {@link #start} acts on its first call only.
 */
final class JvmSeriesExport {
    /** The longest the series wait for a first sync. */
    static final long LATEST_MILLIS = 10_000;

    private final CountDownLatch firstSync = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final long latestMillis;
    private volatile boolean cancelled;
    private volatile Thread waiting;

    JvmSeriesExport() {
        this(LATEST_MILLIS);
    }

    /** For tests: the series wait at most {@code latestMillis} for the first sync. */
    JvmSeriesExport(long latestMillis) {
        this.latestMillis = latestMillis;
    }

    /** Starts the wait; {@code export} runs on the waiting thread at the first sync or the deadline. */
    void start(Runnable export) {
        if (!started.compareAndSet(false, true)) return;
        Thread t = Thread.ofPlatform().name("senda-jvm-metrics").daemon().unstarted(() -> {
            try {
                firstSync.await(latestMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return; // cancelled: the agent stopped
            }
            if (!cancelled) export.run();
        });
        waiting = t; // before it runs: a cancel from now on reaches it
        t.start();
    }

    /** The first sync is done: the series are registered now. */
    void firstSyncDone() {
        firstSync.countDown();
    }

    /** The agent stops: a registration still waiting is dropped. */
    void cancel() {
        cancelled = true;
        Thread t = waiting;
        if (t != null) t.interrupt();
    }

    /** For tests: the waiting thread, null before {@link #start}. */
    Thread waiting() {
        return waiting;
    }
}
