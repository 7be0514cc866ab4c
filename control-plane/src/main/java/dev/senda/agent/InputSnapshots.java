package dev.senda.agent;

import dev.senda.reconcile.RestoreResult;
import dev.senda.source.Kind;
import dev.senda.source.snapshot.ObjectJson;
import dev.senda.source.snapshot.SnapshotContent;
import dev.senda.source.snapshot.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent's side of the snapshot of its inputs ({@link SnapshotStore}): what to program at start
 * before the source answers, and writing the snapshot after syncs that changed the inputs.
 *
 * <p><b>At start</b> ({@link #forStart}): the snapshot is used only when the pinned maps hold no
 * frontend and no backend, which is the state after a reboot (bpffs is memory) or a
 * {@code senda cleanup}. With pins in place the datapath is already forwarding with the last applied
 * state, which is at least as new as the snapshot (the snapshot is written after an apply, up to a
 * write interval later): programming the snapshot over it could only roll it back, and a restarted
 * agent must write nothing it need not.
 *
 * <p><b>Writing</b>: {@link #applied()} is called after every successful complete sync; when the
 * store's generation moved since the last write, a write is due. Writes run on this class's own
 * thread, never the sync thread, and are coalesced: at most one per {@code minInterval} (1 s), and
 * after a write that took {@code t}, none for {@code 10 t} (at most a minute), so a huge cluster that
 * changes without pause spends at most a tenth of one core on it. {@link #close()} writes a due
 * snapshot once more, so a SIGTERM right after a change does not lose it. A failed write keeps the
 * previous snapshot (the store's writes are atomic) and is retried at the next interval; it is logged
 * once, and again when writes succeed again.
 */
final class InputSnapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InputSnapshots.class);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

    private final SnapshotStore store;
    private final Supplier<Optional<List<ObjectJson>>> objects;
    private final LongSupplier generation;
    private final Duration minInterval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    /** Guarded by {@link #lock}. */
    private long dueGeneration = -1;
    private long writtenGeneration = -1;
    private long notBeforeNanos;
    private boolean closed;
    private boolean failing;
    private int writes;

    /**
     * @param objects    the API objects the inputs were converted from, as
     *                   {@link dev.senda.source.snapshot.SnapshotContent#objectJson} made them; empty while the
     *                   source has not synced (then nothing is written)
     * @param generation the object store's generation: a write is due when it moved
     */
    InputSnapshots(SnapshotStore store, Supplier<Optional<List<ObjectJson>>> objects, LongSupplier generation,
                   Duration minInterval) {
        this.store = Objects.requireNonNull(store, "store");
        this.objects = Objects.requireNonNull(objects, "objects");
        this.generation = Objects.requireNonNull(generation, "generation");
        this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
        this.thread = Thread.ofPlatform().name("snapshot-writer").daemon(true).start(this::loop);
    }

    /**
     * The snapshot to program before the source has synced: only when {@code restored} found the maps
     * empty (see the class comment); the decision is logged in one line.
     */
    static Optional<SnapshotContent.Decoded> forStart(SnapshotStore store, RestoreResult restored, List<Kind<?, ?>> kinds) {
        if (restored.frontends() > 0 || restored.backends() > 0) {
            LOG.info("pinned maps hold {} frontends and {} backends: forwarding continues from them; the snapshot {} is not used",
                    restored.frontends(), restored.backends(), store.file());
            return Optional.empty();
        }
        Optional<SnapshotContent.Decoded> decoded = store.load(kinds);
        decoded.ifPresent(d -> LOG.info("pinned maps are empty (after a reboot?): programming the snapshot {} written at {} "
                        + "({} objects{}) before the source has synced; the source's state replaces it once it has",
                store.file(), d.writtenAt(), d.objects(), d.skipped().isEmpty() ? "" : ", skipped kinds this agent does not consume: " + d.skipped()));
        return decoded;
    }

    /** A complete sync succeeded: write the snapshot soon if the inputs changed. Cheap; never blocks on I/O. */
    void applied() {
        long g = generation.getAsLong();
        lock.lock();
        try {
            if (g == writtenGeneration || g == dueGeneration) return;
            dueGeneration = g;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Snapshots written so far (for tests). */
    int writes() {
        lock.lock();
        try {
            return writes;
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            lock.lock();
            try {
                if (closed) return;
                long wait = dueGeneration == writtenGeneration || dueGeneration < 0 ? Long.MAX_VALUE
                        : notBeforeNanos - System.nanoTime();
                if (wait > 0) {
                    wake.awaitNanos(Math.min(wait, TimeUnit.SECONDS.toNanos(60)));
                    continue;
                }
            } catch (InterruptedException e) {
                continue; // close() sets closed before interrupting
            } finally {
                lock.unlock();
            }
            writeOnce();
        }
    }

    /** Writes the current objects if the source has them; the outcome decides the next allowed time. */
    private void writeOnce() {
        long g = generation.getAsLong(); // before the objects: a change after this read makes a later write due
        Optional<List<ObjectJson>> current = objects.get();
        long start = System.nanoTime();
        String failure = null;
        long bytes = 0;
        if (current.isPresent()) {
            try {
                bytes = store.writeJson(Instant.now(), current.get());
            } catch (IOException | RuntimeException e) {
                failure = e.toString();
            }
        }
        long took = System.nanoTime() - start;
        long pause = Math.min(MAX_INTERVAL.toNanos(), Math.max(minInterval.toNanos(), 10 * took));
        lock.lock();
        try {
            notBeforeNanos = System.nanoTime() + pause;
            if (current.isEmpty()) return; // the source has not synced: nothing to write yet, retried after the pause
            if (failure == null) {
                writtenGeneration = g;
                writes++;
            }
        } finally {
            lock.unlock();
        }
        report(failure, current.get().size(), bytes, took);
    }

    private void report(String failure, int count, long bytes, long tookNanos) {
        if (failure != null) {
            if (!failing) LOG.warn("cannot write the snapshot {} (kept the previous one; retrying at every change): {}", store.file(), failure);
            failing = true;
            return;
        }
        if (failing || writes == 1) {
            LOG.info("wrote the snapshot {}: {} objects, {} bytes in {} ms{}", store.file(), count, bytes,
                    TimeUnit.NANOSECONDS.toMillis(tookNanos), failing ? " (writes work again)" : "; later writes are logged at DEBUG");
        } else {
            LOG.debug("wrote the snapshot {}: {} objects, {} bytes in {} ms", store.file(), count, bytes,
                    TimeUnit.NANOSECONDS.toMillis(tookNanos));
        }
        failing = false;
    }

    /** Stops the writer thread, then writes once more if a write is due (bounded by the write itself). */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (!thread.join(Duration.ofSeconds(30))) thread.interrupt();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean due;
        lock.lock();
        try {
            due = dueGeneration >= 0 && dueGeneration != writtenGeneration;
        } finally {
            lock.unlock();
        }
        if (due) writeOnce();
    }
}
