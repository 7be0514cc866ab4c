package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls that rawbpf cannot make safely: functions that report failure only through
 * {@code errno} (libbpf's pointer-returning constructors, libc's open/mount/statfs). The
 * jextract bindings do not capture errno, and the JVM may clobber it between the native return
 * and our read, so these handles capture it with {@link Linker.Option#captureCallState}.
 *
 * <p>Every method returns the raw result and stores the errno of a failed call in the
 * caller-supplied {@link Errno} holder.
 */
final class Native {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET =
            STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private static final MethodHandle OPEN = libc("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LIBC.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle MOUNT = libc("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle STATFS = libc("statfs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle UMOUNT2 = libc("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle UNSHARE = libc("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETNS = libc("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = LINKER.downcallHandle(
            LIBC.find("if_nametoindex").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle IF_INDEXTONAME = LINKER.downcallHandle(
            LIBC.find("if_indextoname").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle STRERROR_R = LINKER.downcallHandle(
            LIBC.find("__xpg_strerror_r").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));

    /** libbpf handles, bound once {@link Libbpf#ensureAvailable()} has loaded the library. */
    private static volatile LibbpfHandles libbpf;

    private Native() {
    }

    /** Holder for the errno of the last failed call made through this class. */
    static final class Errno {
        int value;
    }

    record LibbpfHandles(MethodHandle objectOpenFile, MethodHandle attachCgroup, MethodHandle btfParseElf,
                         MethodHandle btfParseRaw) {
    }

    static void bindLibbpf(Path library) {
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
        libbpf = new LibbpfHandles(
                capturing(lookup, "bpf_object__open_file", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS)),
                capturing(lookup, "bpf_program__attach_cgroup", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT)),
                capturing(lookup, "btf__parse_elf", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS)),
                capturing(lookup, "btf__parse_raw", FunctionDescriptor.of(ADDRESS, ADDRESS)));
    }

    /** {@code bpf_object__open_file}: NULL on failure. */
    static MemorySegment objectOpenFile(MemorySegment path, MemorySegment opts, Errno err) {
        return callPtr(handles().objectOpenFile(), err, path, opts);
    }

    /** {@code bpf_program__attach_cgroup}: NULL on failure. */
    static MemorySegment attachCgroup(MemorySegment prog, int cgroupFd, Errno err) {
        return callPtr(handles().attachCgroup(), err, prog, cgroupFd);
    }

    /** {@code btf__parse_elf(path, NULL)}: NULL on failure. */
    static MemorySegment btfParseElf(MemorySegment path, Errno err) {
        return callPtr(handles().btfParseElf(), err, path, MemorySegment.NULL);
    }

    /** {@code btf__parse_raw(path)} (raw BTF such as /sys/kernel/btf/vmlinux): NULL on failure. */
    static MemorySegment btfParseRaw(MemorySegment path, Errno err) {
        return callPtr(handles().btfParseRaw(), err, path);
    }

    /** {@code open(path, flags, 0)}: -1 on failure. */
    static int open(MemorySegment path, int flags, Errno err) {
        return callInt(OPEN, err, path, flags, 0);
    }

    /** {@code close(fd)}, errors ignored: there is nothing useful to do about a failed close. */
    static void close(int fd) {
        if (fd < 0) return;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code mount(source, target, fstype, flags, NULL)}: -1 on failure. */
    static int mount(MemorySegment source, MemorySegment target, MemorySegment fstype, Errno err) {
        return callInt(MOUNT, err, source, target, fstype, 0L, MemorySegment.NULL);
    }

    /** {@code umount2(target, 0)}: -1 on failure. */
    static int umount(MemorySegment target, Errno err) {
        return callInt(UMOUNT2, err, target, 0);
    }

    /** {@code unshare(flags)}: -1 on failure; namespaces change for the calling thread only. */
    static int unshare(int flags, Errno err) {
        return callInt(UNSHARE, err, flags);
    }

    /** {@code setns(fd, nstype)}: -1 on failure; moves the calling thread only. */
    static int setns(int fd, int nstype, Errno err) {
        return callInt(SETNS, err, fd, nstype);
    }

    /** {@code statfs(path, buf)}: -1 on failure; {@code buf} must hold a {@code struct statfs}. */
    static int statfs(MemorySegment path, MemorySegment buf, Errno err) {
        return callInt(STATFS, err, path, buf);
    }

    /** {@code if_nametoindex(name)}: 0 if there is no such device in the calling thread's netns. */
    static int ifNameToIndex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) IF_NAMETOINDEX.invokeExact(arena.allocateFrom(name));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code if_indextoname(index)}: null if there is no such device in the calling thread's netns. */
    static String ifIndexToName(int index) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64); // IF_NAMESIZE is 16
            MemorySegment r = (MemorySegment) IF_INDEXTONAME.invokeExact(index, buf);
            return r.address() == 0 ? null : buf.getString(0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** "No such file or directory (errno 2)": the libc text plus the number. */
    static String describeErrno(int errno) {
        if (errno == 0) return "no errno";
        if (errno == LibbpfException.ENOTSUPP) return "Operation not supported by the kernel (errno 524)";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            // 4000..4099 are libbpf's own codes (LIBBPF_ERRNO__*), known only to libbpf_strerror.
            int rc = errno >= 4000 && errno < 4100 && libbpf != null
                    ? me.bechberger.ebpf.bpf.raw.Lib.libbpf_strerror(errno, buf, 256L)
                    : (int) STRERROR_R.invokeExact(errno, buf, 256L);
            String text = rc == 0 ? buf.getString(0) : "unknown error";
            return text + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static LibbpfHandles handles() {
        LibbpfHandles h = libbpf;
        if (h == null) throw new IllegalStateException("Libbpf.ensureAvailable() was not called");
        return h;
    }

    private static MethodHandle libc(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd, options);
    }

    private static MethodHandle capturing(SymbolLookup lookup, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new LibbpfException("libbpf lacks symbol " + name));
        return LINKER.downcallHandle(symbol, fd, CAPTURE);
    }

    private static MemorySegment callPtr(MethodHandle handle, Errno err, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            Object[] full = prepend(state, args);
            MemorySegment result = (MemorySegment) handle.invokeWithArguments(full);
            if (result.address() == 0) err.value = state.get(JAVA_INT, ERRNO_OFFSET);
            return result;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static int callInt(MethodHandle handle, Errno err, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int result = (int) handle.invokeWithArguments(prepend(state, args));
            if (result < 0) err.value = state.get(JAVA_INT, ERRNO_OFFSET);
            return result;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
