package dev.senda.maps.libbpf;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;

import me.bechberger.ebpf.bpf.raw.Lib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A BPF iterator program ({@code SEC("iter/...")}) attached as an iterator link, run on demand.
 *
 * <p>Each {@link #run} creates an iterator from the link ({@code bpf_iter_create}) and reads it to its
 * end: reading is what makes the kernel call the program once per object (socket, task, map entry),
 * and what the program writes with {@code bpf_seq_write} is what the read returns.
 *
 * <p>Network namespaces: socket iterators ({@code iter/udp}, {@code iter/tcp}) walk the sockets of the
 * namespace of the thread that <em>creates</em> the iterator. {@link #runIn} therefore creates and reads
 * it on a thread that has entered the given namespace ({@link NetnsThread}); the calling thread never
 * changes namespace.
 *
 * <p>Closing releases the link; an iterator link is never pinned here. Thread-safe: runs are
 * independent.
 */
public final class BpfIterator implements AutoCloseable {
    private static final int EINTR = 4, EAGAIN = 11;
    /** What one run may return at most: a bound on memory however many objects the program reports. */
    private static final int MAX_OUTPUT = 64 << 20;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle READ = LINKER.downcallHandle(
            LINKER.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
            Linker.Option.captureCallState("errno"));

    private final String name;
    private int linkFd;

    private BpfIterator(String name, int linkFd) {
        this.name = name;
        this.linkFd = linkFd;
    }

    /**
     * Attaches a loaded iterator program ({@code bpf_link_create} with its expected attach type,
     * {@code BPF_TRACE_ITER}, and no iterator parameters).
     *
     * @throws LibbpfException when the kernel refuses
     */
    public static BpfIterator attach(BpfProgram program) {
        int fd = Libbpf.check(Lib.bpf_link_create(program.fd(), 0, program.expectedAttachType(), MemorySegment.NULL),
                "attach iterator program " + program.name());
        return new BpfIterator(program.name(), fd);
    }

    /** Runs the iterator in the calling thread's network namespace and returns what the program wrote. */
    public synchronized byte[] run() {
        int iterFd = Libbpf.check(Lib.bpf_iter_create(linkFd()), "create iterator " + name);
        try {
            return readAll(iterFd);
        } finally {
            Native.close(iterFd);
        }
    }

    /**
     * Runs the iterator in the network namespace {@code netns} (a path such as
     * {@code /proc/<pid>/ns/net} or {@code /run/netns/<name>}) on a thread of its own, waiting at most
     * {@code timeout}.
     *
     * @throws LibbpfException when the namespace cannot be opened or entered (ENOENT: the process or
     *                         namespace is gone), the iterator fails, or the run takes longer than
     *                         {@code timeout}
     */
    public byte[] runIn(Path netns, Duration timeout) {
        return NetnsThread.run("iterator " + name, netns, timeout, this::run);
    }

    private byte[] readAll(int fd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64 * 1024);
            MemorySegment state = arena.allocate(STATE);
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
                if (n == 0) return out.toByteArray();
                if (n < 0) {
                    int errno = state.get(JAVA_INT, ERRNO_OFFSET);
                    if (errno == EINTR || errno == EAGAIN) continue;
                    throw new LibbpfException("read iterator " + name, errno);
                }
                if (out.size() + n > MAX_OUTPUT) {
                    throw new LibbpfException("iterator " + name + " wrote more than " + MAX_OUTPUT + " bytes");
                }
                out.write(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), 0, (int) n);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private synchronized int linkFd() {
        if (linkFd < 0) throw new IllegalStateException("iterator " + name + " is closed");
        return linkFd;
    }

    /** Releases the link (the program is no longer runnable through it). Idempotent. */
    @Override
    public synchronized void close() {
        if (linkFd < 0) return;
        Native.close(linkFd);
        linkFd = -1;
    }

    @Override
    public String toString() {
        return "BpfIterator[" + name + "]";
    }
}
