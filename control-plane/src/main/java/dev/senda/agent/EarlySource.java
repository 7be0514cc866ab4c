package dev.senda.agent;

import dev.senda.desired.DesiredStateCalculator;
import dev.senda.source.ObjectStore;
import dev.senda.source.Source;

import java.util.concurrent.FutureTask;

/**
 * The source, started on a thread of its own before the agent probes the kernel and loads its datapath,
 * so that the store fills (files read and converted, an API server's lists primed) and the first desired
 * state is computed ({@link DesiredAhead}) while the start thread waits for the kernel. What the source
 * signals meanwhile (a queued update, a sync request) is held ({@link DeferredTrigger}) until
 * {@link #open} gives the sync runner's callback.
 */
final class EarlySource {
    private final ObjectStore store = new ObjectStore();
    private final DesiredAhead desired;
    private final DeferredTrigger changed = new DeferredTrigger();
    private final FutureTask<Void> started;

    private EarlySource(Source source, String nodeName, DesiredStateCalculator calculator) {
        desired = new DesiredAhead(source, store, nodeName, calculator.incremental());
        started = new FutureTask<>(() -> {
            source.start(store, () -> {
                desired.sourceChanged();
                changed.run();
            });
            desired.sourceChanged();
        }, null);
    }

    /** Starts {@code source} (its {@link Source#start}) on a thread of its own; returns at once. */
    static EarlySource start(Source source, String nodeName, DesiredStateCalculator calculator) {
        EarlySource early = new EarlySource(source, nodeName, calculator);
        Thread.ofPlatform().daemon().name("senda-source-start").start(early.started);
        return early;
    }

    /** The store the source fills. */
    ObjectStore store() {
        return store;
    }

    /** The first desired state, computed ahead, for the first sync to take. */
    DesiredAhead desiredAhead() {
        return desired;
    }

    /** Waits until the source's start returned; its failure is rethrown here, as it was. */
    void awaitStarted() {
        StartTasks.join(started);
    }

    /** From now on the source's changes run {@code onChange}; once at once if any came before. */
    void open(Runnable onChange) {
        changed.open(onChange);
    }
}
