package dev.senda.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One full garbage collection after the first complete sync, so that the heap gives back to the node
 * what the start left in it.
 *
 * <p>Why: the start is the agent's one big burst of garbage (every object of the initial list parsed
 * from JSON or YAML, converted, and the first desired state computed and diffed). With the serial
 * collector (deploy/agent-jvm.args) the old generation grows instead of collecting while the young
 * collections promote that burst, so after the first sync it is committed at nearly twice the live
 * set (at 10,000 Services x 10 endpoints from an API server: about 360 MB committed for 210 MB live),
 * and nothing collects it until the old generation fills again, which may be never. One full
 * collection then, with {@code -XX:MaxHeapFreeRatio} and {@code -XX:-ShrinkHeapInSteps} in the
 * options file, shrinks the committed heap to the live set and a margin at once, and the memory goes
 * back to the node. It costs one pause of 100-300 ms at 10,000 Services once per process; later
 * syncs are small and incremental and leave little garbage, and the periodic full resync's garbage
 * dies young.
 *
 * <p>The collection runs on a thread of its own {@value #DELAY_MILLIS} ms after the first sync, not on
 * the sync thread at once: a full collection stops every thread, and at that moment {@code /healthz}
 * has just turned 200 and is being probed (by the kubelet, an operator, the start benchmarks); in the
 * pause its answer would wait (seconds on a loaded node), and so would the next sync.
 *
 * <p>Thread-safe; {@link #afterFirstSync()} acts on its first call only. With
 * {@code -XX:+DisableExplicitGC} the call does nothing, as the JVM then ignores it.
 */
final class HeapTrim {
    private static final Logger LOG = LoggerFactory.getLogger(HeapTrim.class);

    /** How long after the first sync the collection runs. */
    static final long DELAY_MILLIS = 2_000;

    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Thread pending;
    private final Runnable collect;
    private final long delayMillis;

    HeapTrim() {
        this(System::gc, DELAY_MILLIS);
    }

    /** For tests: {@code collect} instead of {@link System#gc()}, after {@code delayMillis}. */
    HeapTrim(Runnable collect, long delayMillis) {
        this.collect = collect;
        this.delayMillis = delayMillis;
    }

    /**
     * The first call starts the collection on a daemon thread after the delay, which logs one line
     * (heap used and committed before and after); later calls do nothing.
     */
    void afterFirstSync() {
        if (!done.compareAndSet(false, true)) return;
        pending = Thread.ofPlatform().name("senda-heap-trim").daemon().start(this::collectLater);
    }

    /** The agent stops: a collection still waiting for its delay is dropped (a closed agent has nothing to trim). */
    void cancel() {
        done.set(true);
        Thread t = pending;
        if (t != null) t.interrupt();
    }

    private void collectLater() {
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            return; // cancelled: the agent stopped
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage before = memory.getHeapMemoryUsage();
        long start = System.nanoTime();
        collect.run();
        long millis = (System.nanoTime() - start) / 1_000_000;
        MemoryUsage after = memory.getHeapMemoryUsage();
        LOG.info("heap after the first sync: {} MiB used of {} MiB committed, after one full collection {} MiB of {} MiB "
                + "({} ms)", mib(before.getUsed()), mib(before.getCommitted()), mib(after.getUsed()),
                mib(after.getCommitted()), millis);
    }

    /** For tests: the thread waiting to collect, null before the first sync. */
    Thread pending() {
        return pending;
    }

    /** Whether {@link #afterFirstSync()} was called (for tests; the collection follows later). */
    boolean done() {
        return done.get();
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
