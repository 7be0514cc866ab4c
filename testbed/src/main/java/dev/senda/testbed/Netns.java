package dev.senda.testbed;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs Java code inside a named network namespace.
 *
 * <p>setns(2) moves only the calling thread, and a socket belongs to the namespace its creating
 * thread was in at socket() time, for its whole life. So {@link #call} runs the body on a fresh
 * platform thread that enters the namespace first and dies afterwards: no pooled thread (and
 * never a virtual thread, whose carrier could change) is ever left in a foreign namespace. Sockets
 * created in the body stay in that namespace and may be used from any thread later.
 */
public final class Netns {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SETNS = downcall("setns",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Netns() {
    }

    /** The bind-mounted namespace file {@code ip netns add NAME} creates. */
    public static Path path(String name) {
        return Path.of("/run/netns", name);
    }

    /**
     * Runs {@code body} on a new platform thread that first entered the namespace at {@code nsFile},
     * waiting at most {@code timeout} for it.
     *
     * @throws IOException when the namespace cannot be entered, the body fails, or time runs out
     *                     (the thread is then interrupted and left to die on its own)
     */
    public static <T> T call(Path nsFile, Duration timeout, Callable<T> body) throws IOException {
        Objects.requireNonNull(nsFile, "nsFile");
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().daemon().name("netns-" + nsFile.getFileName()).unstarted(() -> {
            try {
                enter(nsFile);
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        thread.start();
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new IOException("no result within " + timeout.toMillis() + " ms inside netns " + nsFile, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            throw new IOException("inside netns " + nsFile + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
            throw new IOException("interrupted while running inside netns " + nsFile, e);
        }
    }

    /** Moves the calling thread into the namespace; only ever called on a thread that dies afterwards. */
    private static void enter(Path nsFile) throws IOException {
        if (!Files.exists(nsFile)) throw new IOException("no network namespace file " + nsFile);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(nsFile.toString()), O_RDONLY | O_CLOEXEC);
            if (fd < 0) throw new IOException("open(" + nsFile + ") failed: errno " + errno(state));
            try {
                int rc = (int) SETNS.invokeExact(state, fd, CLONE_NEWNET);
                if (rc != 0) throw new IOException("setns(" + nsFile + ", CLONE_NEWNET) failed: errno " + errno(state));
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native call failed for " + nsFile, t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static MethodHandle downcall(String symbol, FunctionDescriptor descriptor) {
        MemorySegment address = LINKER.defaultLookup().find(symbol)
                .orElseThrow(() -> new IllegalStateException("libc has no " + symbol));
        return LINKER.downcallHandle(address, descriptor, Linker.Option.captureCallState("errno"));
    }
}
