package dev.senda.maps.libbpf;

/**
 * A libbpf call or BPF syscall failed.
 *
 * <p>The message always names what was being done and to which object, map, program or path,
 * followed by the kernel's reason, e.g. {@code "update map senda_svc4_v1: Argument list too long
 * (errno 7)"}. {@link #errno()} is the positive errno (0 when the failure was not an errno).
 */
public class LibbpfException extends RuntimeException {
    /** errno values the wrapper reasons about. */
    public static final int EPERM = 1, ENOENT = 2, EBADF = 9, EAGAIN = 11, EBUSY = 16, EEXIST = 17,
            ENODEV = 19, EINVAL = 22, ENOSPC = 28, E2BIG = 7, EOPNOTSUPP = 95, ENOTSUPP = 524;

    private final int errno;
    private final String context;

    /**
     * @param context what failed, naming the object/map/program/path
     * @param errno   positive errno (a negative value is normalised)
     */
    public LibbpfException(String context, int errno) {
        this(context, errno, "");
    }

    /**
     * @param detail appended after the reason, e.g. libbpf's log of a verifier rejection
     */
    public LibbpfException(String context, int errno, String detail) {
        super(context + ": " + Native.describeErrno(Math.abs(errno)) + detail);
        this.errno = Math.abs(errno);
        this.context = context;
    }

    /** A failure that has no errno (e.g. a library that cannot be found). */
    public LibbpfException(String message) {
        super(message);
        this.errno = 0;
        this.context = message;
    }

    public int errno() {
        return errno;
    }

    /** What was being done, without the kernel's reason. */
    public String context() {
        return context;
    }

    /**
     * Whether the failure means "this kernel (or this attach point) does not support the
     * operation": EINVAL, EOPNOTSUPP or the kernel-internal ENOTSUPP. Callers use it to fall
     * back, e.g. from tcx to a clsact qdisc.
     */
    public boolean isUnsupported() {
        return errno == EINVAL || errno == EOPNOTSUPP || errno == ENOTSUPP;
    }
}
