package dev.senda.agent;

import dev.senda.source.ObjectStore;
import dev.senda.source.Source;

/**
 * A source for sync tests: it delivers nothing itself (the test fills the {@link ObjectStore}) and
 * reports synced when the test says so; {@link #synced()} makes one that has synced already.
 */
final class TestSource implements Source {
    volatile boolean synced;

    /** A source that has synced. */
    static TestSource synced() {
        TestSource source = new TestSource();
        source.synced = true;
        return source;
    }

    @Override
    public void start(ObjectStore store, Runnable onChange) {
    }

    @Override
    public boolean hasSynced() {
        return synced;
    }

    @Override
    public String describe() {
        return "test source";
    }

    @Override
    public void close() {
    }
}
