package dev.senda.source;

import java.util.List;

/**
 * Delivers Kubernetes objects into an {@link ObjectStore} and nothing else: no BPF, no desired state.
 *
 * <p>Contract: {@link #start} begins delivery (it may return before the initial state is complete);
 * after every change it recorded, the source calls {@code onChange} from one of its own threads
 * (callers must not block in it: request a sync and return). {@link #hasSynced()} turns true once
 * the store holds the complete initial state and stays true; nothing may be pruned from the datapath
 * before that. {@link #close()} stops delivery; the store keeps what it has.
 */
public interface Source extends AutoCloseable {
    /**
     * Starts delivering into {@code store}. Called at most once.
     *
     * @throws IllegalStateException when already started
     */
    void start(ObjectStore store, Runnable onChange);

    /**
     * Begins, on threads of its own, the work that needs nothing from the agent (a directory source
     * reads and parses its files, the Kubernetes source lists from the API server), so that it overlaps the datapath's load; {@link #start} then uses
     * what is still current and waits for the rest. Optional: a source that is started without it
     * behaves the same. Called at most once, before {@link #start}; never blocks, never throws.
     *
     * @return true when it began such work (which also loads the parser's classes)
     */
    default boolean prepare() {
        return false;
    }

    /** True once the store holds everything the source had at start. */
    boolean hasSynced();

    /**
     * The inputs this source currently cannot take objects from (for a directory: files too large or
     * unparsable), sorted; empty when all is well. Safe to call from any thread; cheap (health probes
     * and metric scrapes call it).
     */
    default List<RejectedFile> rejectedFiles() {
        return List.of();
    }

    /**
     * Whether the source's view is current (an API server watch that is open and heard from) and when
     * it last was. Safe to call from any thread; cheap (health probes call it).
     */
    default SourceHealth health() {
        return SourceHealth.ALWAYS_CURRENT;
    }

    /** A short human description for logs, e.g. "kubernetes https://10.0.0.1:6443" or "dir /etc/senda". */
    String describe();

    /** Stops delivery and releases threads and connections. Idempotent. */
    @Override
    void close();
}
