package dev.senda.agent;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Joining the work the agent's start runs on threads of its own (metrics made ahead, the source's start). */
final class StartTasks {
    private StartTasks() {
    }

    /**
     * What {@code task} made, waiting for it; its failure rethrown as it was (a runtime exception or an
     * error; anything else wrapped), so a step run on another thread fails the start as it would inline.
     */
    static <T> T join(Future<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }
}
