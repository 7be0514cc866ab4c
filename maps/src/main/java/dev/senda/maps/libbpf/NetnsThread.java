package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs a task inside an existing network namespace, on a short-lived platform thread of its own that
 * enters it (setns moves one thread only) and goes back before ending: for what is bound to the
 * namespace of the thread that creates it (socket iterators, netlink sockets). The calling thread
 * never changes namespace.
 */
final class NetnsThread {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;

    private NetnsThread() {
    }

    /**
     * Runs {@code task} in {@code netns} ({@code /proc/<pid>/ns/net}, {@code /run/netns/<name>}), waiting
     * at most {@code timeout}.
     *
     * @throws LibbpfException when the namespace cannot be opened (ENOENT: it or its process is gone) or
     *                         entered, or the task takes longer than {@code timeout}
     * @throws RuntimeException whatever {@code task} throws
     */
    static <T> T run(String what, Path netns, Duration timeout, Supplier<T> task) {
        Libbpf.ensureAvailable();
        FutureTask<T> future = new FutureTask<>(() -> inNamespace(netns, task));
        Thread thread = Thread.ofPlatform().name("senda-netns-" + what).daemon().unstarted(future);
        thread.start();
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new LibbpfException(what + " in " + netns + " did not finish within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LibbpfException("interrupted during " + what + " in " + netns);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private static <T> T inNamespace(Path netns, Supplier<T> task) {
        Native.Errno err = new Native.Errno();
        int home;
        int target;
        try (Arena arena = Arena.ofConfined()) {
            home = Native.open(arena.allocateFrom("/proc/thread-self/ns/net"), O_RDONLY | O_CLOEXEC, err);
            if (home < 0) throw new LibbpfException("open this thread's network namespace", err.value);
            target = Native.open(Libbpf.cString(arena, netns), O_RDONLY | O_CLOEXEC, err);
            if (target < 0) {
                Native.close(home);
                throw new LibbpfException("open network namespace " + netns, err.value);
            }
        }
        try {
            if (Native.setns(target, CLONE_NEWNET, err) < 0) {
                throw new LibbpfException("enter network namespace " + netns, err.value);
            }
            try {
                return task.get();
            } finally {
                // Harmless if it fails: this thread ends now and runs nothing else.
                Native.setns(home, CLONE_NEWNET, err);
            }
        } finally {
            Native.close(target);
            Native.close(home);
        }
    }
}
