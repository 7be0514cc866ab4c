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
import java.util.concurrent.FutureTask;

/**
 * The first full desired state, computed on a thread of its own as soon as the source holds its complete
 * state, while the agent's start thread may still wait for the kernel (feature probes, the verifier): at
 * 10,000 Services that is a few hundred milliseconds the first sync then skips.
 *
 * <p>It computes into a memo of its own ({@link IncrementalDesiredState}), which the first full sync
 * adopts with the result ({@link #take}): the sync thread joins the computation, so everything it wrote
 * is visible, and uses it only when the store has not changed since the snapshot it came from. Until
 * adopted, the memo is this class's alone, so a sync that does not adopt it (the store changed, the wait
 * was interrupted) computes in its own memo as it would without this, never beside a computation still
 * running. The computation starts at most once, and not after {@link #take}.
 */
final class DesiredAhead {
    private static final Logger log = LoggerFactory.getLogger(DesiredAhead.class);

    /** A full desired state, what it was computed from, and the memo that holds it. */
    record Computed(Snapshot snapshot, NodeInfo node, IncrementalDesiredState.Result result, LbState lb,
                    IncrementalDesiredState memo) {
    }

    private final Source source;
    private final ObjectStore store;
    private final String nodeName;
    private final IncrementalDesiredState memo;
    /** Null until the computation starts. Guarded by {@code this}. */
    private FutureTask<Optional<Computed>> task;
    /** Set by {@link #take}: no computation starts after it. */
    private volatile boolean taken;

    /** @param memo a memo nothing else uses (a new one from the calculator) */
    DesiredAhead(Source source, ObjectStore store, String nodeName, IncrementalDesiredState memo) {
        this.source = Objects.requireNonNull(source, "source");
        this.store = Objects.requireNonNull(store, "store");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.memo = Objects.requireNonNull(memo, "memo");
    }

    /**
     * Starts the computation on a thread of its own if the source has synced and it has not started
     * yet, nor been taken. Cheap otherwise; call it after the source started and whenever it signals a
     * change (an API server's lists complete after its start). Never blocks on the computation.
     */
    void sourceChanged() {
        if (taken || !source.hasSynced()) return;
        FutureTask<Optional<Computed>> started;
        synchronized (this) {
            if (task != null || taken) return;
            task = started = new FutureTask<>(this::compute);
        }
        Thread.ofPlatform().daemon().name("senda-desired-ahead").start(started);
    }

    private Optional<Computed> compute() {
        Snapshot snapshot = store.snapshot();
        NodeInfo node = NodeInfo.of(nodeName, snapshot.all(Kinds.NODE).get(new ObjectRef("", nodeName)));
        IncrementalDesiredState.Result result = memo.full(snapshot, node);
        return Optional.of(new Computed(snapshot, node, result, memo.lbState(), memo));
    }

    /**
     * Waits for the computation, if one started, and returns it if it was computed from the store at
     * {@code storeGeneration} (nothing changed since); empty otherwise. Called once, by the sync thread;
     * no computation starts afterwards.
     */
    Optional<Computed> take(long storeGeneration) {
        FutureTask<Optional<Computed>> started;
        synchronized (this) {
            taken = true;
            started = task;
        }
        if (started == null) return Optional.empty();
        try {
            return started.get().filter(c -> c.snapshot().generation() == storeGeneration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            log.debug("no desired state computed ahead: {}", e.getCause().toString());
            return Optional.empty();
        }
    }
}
