package dev.senda.agent;

import java.util.Objects;

/**
 * A callback that can be handed out before what it triggers exists: the agent starts its source before
 * the datapath is loaded (so the source reads or lists meanwhile), but the sync runner it wakes comes
 * later. Calls before {@link #open} are remembered as one and run when it comes; calls after it run the
 * target at once. Thread-safe; never runs the target under a lock (the target must not block).
 */
final class DeferredTrigger implements Runnable {
    private volatile Runnable target;
    private boolean pending;

    @Override
    public void run() {
        Runnable t = target;
        if (t == null) {
            synchronized (this) {
                t = target;
                if (t == null) {
                    pending = true;
                    return;
                }
            }
        }
        t.run();
    }

    /**
     * Sets the target, running it once now if anything called before.
     *
     * @throws IllegalStateException when opened already
     */
    void open(Runnable t) {
        Objects.requireNonNull(t, "target");
        boolean wasCalled;
        synchronized (this) {
            if (target != null) throw new IllegalStateException("already open");
            target = t;
            wasCalled = pending;
            pending = false;
        }
        if (wasCalled) t.run();
    }
}
