package dev.senda.testbed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The long-running processes a testbed started (servers, agents), so that they can all be stopped
 * by PID: never by name, never anyone else's.
 */
public final class ChildProcesses {
    private final List<Process> live = new ArrayList<>();
    private final java.util.function.LongConsumer onTrack;

    public ChildProcesses() {
        this(pid -> { });
    }

    /** @param onTrack told the PID of every tracked process (the testbed notes it in its run marker) */
    ChildProcesses(java.util.function.LongConsumer onTrack) {
        this.onTrack = onTrack;
    }

    /** Remembers a started process until {@link #stop} or {@link #stopAll}. */
    public synchronized Process track(Process p) {
        live.add(p);
        onTrack.accept(p.pid());
        return p;
    }

    /**
     * Stops one process and its descendants (socat's forked children): SIGTERM, then SIGKILL after
     * {@code grace}.
     *
     * @return the exit code, or -1 when it had to be killed and still did not report one
     */
    public int stop(Process p, Duration grace) {
        synchronized (this) {
            live.remove(p);
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // Forked helpers (socat children, their shells) need no grace: whatever is left goes now.
        for (ProcessHandle c : children) {
            if (c.isAlive()) c.destroyForcibly();
        }
        return p.isAlive() ? -1 : p.exitValue();
    }

    /** Stops every tracked process, the most recently started first. */
    public void stopAll(Duration grace) {
        List<Process> all;
        synchronized (this) {
            all = new ArrayList<>(live);
        }
        for (int i = all.size() - 1; i >= 0; i--) stop(all.get(i), grace);
    }
}
