package dev.senda.agent;

import dev.senda.desired.IncrementalDesiredState;
import dev.senda.desired.LbState;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Snapshot;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import dev.senda.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * The first full desired state, computed on a thread of its own as soon as the source has started and
 * holds its complete state, while the agent's start thread still waits for the kernel (feature probes,
 * the verifier): at 10,000 Services that is a few hundred milliseconds the first sync then skips.
 *
 * <p>It computes into the {@link IncrementalDesiredState} the first sync continues with, and
 * {@link #take} hands it over: the sync thread joins the computation (so the memo is never used by two
 * threads at once, and everything it wrote is visible), and uses the result only when the store has
 * not changed since the snapshot it came from. Otherwise, or when the source was not complete when it
 * had started (an API server still listing), the first sync computes as it would without this.
 */
final class DesiredAhead {
    private static final Logger log = LoggerFactory.getLogger(DesiredAhead.class);

    /** A full desired state and what it was computed from. */
    record Computed(Snapshot snapshot, NodeInfo node, IncrementalDesiredState.Result result, LbState lb) {
    }

    private final IncrementalDesiredState incremental;
    private final FutureTask<Optional<Computed>> task;

    private DesiredAhead(IncrementalDesiredState incremental, FutureTask<Optional<Computed>> task) {
        this.incremental = incremental;
        this.task = task;
    }

    /**
     * Starts the computation: once {@code sourceStarted} completed, if {@code source} has synced, from a
     * snapshot of {@code store}, for node {@code nodeName}, into {@code incremental}.
     */
    static DesiredAhead start(Future<?> sourceStarted, Source source, ObjectStore store, String nodeName,
                              IncrementalDesiredState incremental) {
        Objects.requireNonNull(incremental, "incremental");
        FutureTask<Optional<Computed>> task = new FutureTask<>(() -> {
            sourceStarted.get(); // a failed start computes nothing (the agent reports that failure itself)
            if (!source.hasSynced()) return Optional.empty();
            Snapshot snapshot = store.snapshot();
            NodeInfo node = NodeInfo.of(nodeName, snapshot.all(Kinds.NODE).get(new ObjectRef("", nodeName)));
            IncrementalDesiredState.Result result = incremental.full(snapshot, node);
            return Optional.of(new Computed(snapshot, node, result, incremental.lbState()));
        });
        Thread.ofPlatform().daemon().name("senda-desired-ahead").start(task);
        return new DesiredAhead(incremental, task);
    }

    /** The memo the computation fills, which the first sync continues with. */
    IncrementalDesiredState incremental() {
        return incremental;
    }

    /**
     * Waits for the computation and returns its result if it was computed from the store at
     * {@code storeGeneration} (nothing changed since); empty otherwise. Called once, by the sync thread.
     */
    Optional<Computed> take(long storeGeneration) {
        try {
            Optional<Computed> computed = task.get();
            return computed.filter(c -> c.snapshot().generation() == storeGeneration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            log.debug("no desired state computed ahead: {}", e.getCause().toString());
            return Optional.empty();
        }
    }
}
