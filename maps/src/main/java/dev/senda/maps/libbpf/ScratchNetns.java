package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task inside a fresh, unnamed network namespace that holds only a loopback device, for
 * probes that must change a device (create a qdisc, attach a filter) without touching the node's.
 *
 * <p>The task runs on a thread of its own that {@code unshare(CLONE_NEWNET)}s (namespaces are per
 * thread), returns to the original namespace and ends. Nothing names the namespace, so nothing
 * needs removing: once the thread has left it, the kernel frees it with every qdisc, filter and
 * attachment in it. Needs CAP_SYS_ADMIN.
 */
public final class ScratchNetns {
    private static final Logger log = LoggerFactory.getLogger(ScratchNetns.class);
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;

    private ScratchNetns() {
    }

    /**
     * Runs {@code task} with the loopback ifindex of a scratch namespace and returns its result.
     *
     * @throws LibbpfException when the namespace cannot be created (the errno says why: EPERM
     *                         without CAP_SYS_ADMIN or under a seccomp profile that forbids unshare),
     *                         or when the task does not finish within {@code timeout}
     * @throws RuntimeException whatever {@code task} throws
     */
    public static <T> T run(Duration timeout, IntFunction<T> task) {
        Libbpf.ensureAvailable();
        FutureTask<T> future = new FutureTask<>(() -> inScratch(task));
        Thread thread = Thread.ofPlatform().name("senda-scratch-netns").daemon().unstarted(future);
        thread.start();
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new LibbpfException("work in a scratch network namespace did not finish within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LibbpfException("interrupted while working in a scratch network namespace");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private static <T> T inScratch(IntFunction<T> task) {
        int home;
        try (Arena arena = Arena.ofConfined()) {
            Native.Errno err = new Native.Errno();
            home = Native.open(arena.allocateFrom("/proc/thread-self/ns/net"), O_RDONLY | O_CLOEXEC, err);
            if (home < 0) throw new LibbpfException("open this thread's network namespace", err.value);
        }
        try {
            Native.Errno err = new Native.Errno();
            if (Native.unshare(CLONE_NEWNET, err) < 0) {
                throw new LibbpfException("create a scratch network namespace (unshare)", err.value);
            }
            try {
                int lo = NetDevices.indexOf("lo")
                        .orElseThrow(() -> new LibbpfException("a new network namespace without loopback"));
                return task.apply(lo);
            } finally {
                if (Native.setns(home, CLONE_NEWNET, err) < 0) {
                    // Harmless: this thread ends now and runs nothing else; the namespace goes with it.
                    log.debug("cannot return to the original network namespace: {}", Native.describeErrno(err.value));
                }
            }
        } finally {
            Native.close(home);
        }
    }
}
