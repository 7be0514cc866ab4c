package dev.senda.maps.libbpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.bpf_link_info;

/**
 * A BPF link: a program attached to a hook, alive as long as an fd or a pin references it.
 *
 * <p>Closing the last fd of an unpinned link detaches the program. A {@linkplain #pin pinned}
 * link outlives the process (that is how the datapath keeps running across agent restarts and
 * after SIGTERM); it goes away when the pin is removed and no fd holds it, or at once with
 * {@link #detach()} / {@link #removePinned(Path)}.
 */
public final class BpfLink implements AutoCloseable {
    /** {@code BPF_TCX_INGRESS} / {@code BPF_TCX_EGRESS} (kernel 6.6+; absent from libbpf 1.1's API). */
    public static final int BPF_TCX_INGRESS = 46;
    public static final int BPF_TCX_EGRESS = 47;

    private static final int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;

    private final String description;
    private MemorySegment link;   // libbpf's struct bpf_link, or NULL for a bare fd
    private int fd;

    private BpfLink(String description, MemorySegment link, int fd) {
        this.description = description;
        this.link = link;
        this.fd = fd;
    }

    /**
     * Attaches a cgroup program ({@code bpf_program__attach_cgroup}) to a cgroup v2 directory.
     *
     * @param type must equal the program's expected attach type (from its section name, e.g.
     *             {@code cgroup/connect4}): the kernel attaches at that one
     * @throws IllegalArgumentException if {@code type} is not the program's attach type
     * @throws LibbpfException          if the cgroup cannot be opened or the kernel refuses
     */
    public static BpfLink attachCgroup(BpfProgram program, Path cgroupDir, CgroupAttachType type) {
        int expected = program.expectedAttachType();
        if (expected != type.value()) {
            throw new IllegalArgumentException("program " + program.name() + " (section " + program.sectionName()
                    + ") attaches as type " + expected + ", not " + type + " (" + type.value() + ")");
        }
        program.fd(); // loaded?
        String what = "attach program " + program.name() + " to cgroup " + cgroupDir + " as " + type;
        int cgroupFd = openDirectory(cgroupDir, what);
        try {
            Native.Errno err = new Native.Errno();
            MemorySegment l = Native.attachCgroup(program.handle(), cgroupFd, err);
            if (l.address() == 0) throw new LibbpfException(what, err.value);
            return new BpfLink(what, l, Lib.bpf_link__fd(l));
        } finally {
            Native.close(cgroupFd); // the link holds its own reference to the cgroup
        }
    }

    /**
     * Attaches a {@code tc}/{@code sched_cls} program through tcx ({@code bpf_link_create} with
     * {@code BPF_TCX_INGRESS/EGRESS}), appended after any other tcx programs of the device.
     *
     * @throws LibbpfException with {@link LibbpfException#isUnsupported()} true if the kernel
     *                         has no tcx (callers then fall back to {@link TcAttach})
     */
    public static BpfLink attachTcx(LoadedProgram program, int ifindex, boolean ingress) {
        String what = "attach program " + program.name() + " via tcx to ifindex " + ifindex
                + (ingress ? " ingress" : " egress");
        int rc = Lib.bpf_link_create(program.fd(), ifindex, ingress ? BPF_TCX_INGRESS : BPF_TCX_EGRESS,
                MemorySegment.NULL);
        Libbpf.check(rc, what);
        return new BpfLink(what, MemorySegment.NULL, rc);
    }

    /**
     * Opens a pinned link. Holding it keeps the attachment alive even if the pin is removed.
     *
     * @throws LibbpfException ENOENT if nothing is pinned there
     */
    public static BpfLink openPinned(Path pin) {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            int fd = Libbpf.check(Lib.bpf_obj_get(Libbpf.cString(arena, pin)), "open pinned link " + pin);
            return new BpfLink("pinned link " + pin, MemorySegment.NULL, fd);
        }
    }

    /**
     * Detaches the link pinned at {@code pin} and removes the pin: the program is off its hook
     * when this returns, even if another process still holds an fd of the link.
     *
     * @return false if nothing was pinned there
     */
    public static boolean removePinned(Path pin) {
        if (!Files.exists(pin)) return false;
        BpfLink l;
        try {
            l = openPinned(pin);
        } catch (LibbpfException e) {
            if (e.errno() == LibbpfException.ENOENT) return false;
            throw e;
        }
        try (l) {
            l.detach();
            Files.deleteIfExists(pin);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("remove pinned link " + pin, e);
        }
    }

    /**
     * Makes this link run {@code program} instead of its current one ({@code BPF_LINK_UPDATE}): one
     * pointer swap in the kernel, so every packet or syscall on the hook meets either the old program
     * or the new one, never neither and never both. Works for cgroup and tcx links (tcx: Linux 6.6+).
     *
     * @throws LibbpfException when the kernel refuses (e.g. EOPNOTSUPP for a link type without update,
     *                         ENOLINK for a link whose hook is gone, EINVAL for a program of another type)
     */
    public void update(LoadedProgram program) {
        Libbpf.check(Lib.bpf_link_update(fd(), program.fd(), MemorySegment.NULL),
                "update link (" + description + ") to program " + program.name());
    }

    /** Kernel id of the program the link runs now. */
    public int programId() {
        try (Arena arena = Arena.ofConfined()) {
            return bpf_link_info.prog_id(info(arena));
        }
    }

    /** Kernel id of the link itself: the same before and after {@link #update}. */
    public int id() {
        try (Arena arena = Arena.ofConfined()) {
            return bpf_link_info.id(info(arena));
        }
    }

    /** The cgroup id (its directory's inode number on cgroup v2) a cgroup link is attached to. */
    public long cgroupId() {
        try (Arena arena = Arena.ofConfined()) {
            return bpf_link_info.cgroup.cgroup_id(bpf_link_info.cgroup(info(arena)));
        }
    }

    /** The device a tcx link is attached to (0 once the device is gone). */
    public int tcxIfindex() {
        try (Arena arena = Arena.ofConfined()) {
            return bpf_link_info.tcx.ifindex(bpf_link_info.tcx(info(arena)));
        }
    }

    private MemorySegment info(Arena arena) {
        MemorySegment info = arena.allocate(bpf_link_info.layout());
        MemorySegment len = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, (int) bpf_link_info.sizeof());
        Libbpf.check(Lib.bpf_obj_get_info_by_fd(fd(), info, len), "get info of link (" + description + ")");
        return info;
    }

    /** The link's fd. */
    public int fd() {
        if (fd < 0) throw new IllegalStateException(description + ": link is closed");
        return fd;
    }

    /**
     * Pins the link at {@code pin} (on a bpffs; the parent directory must exist), so the
     * attachment outlives this process.
     */
    public void pin(Path pin) {
        int fd = fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = Libbpf.cString(arena, pin);
            int rc = link.address() != 0 ? Lib.bpf_link__pin(link, path) : Lib.bpf_obj_pin(fd, path);
            Libbpf.check(rc, "pin link (" + description + ") at " + pin);
        }
    }

    /**
     * Takes the program off its hook now ({@code BPF_LINK_DETACH}), whatever pins or other fds
     * reference the link; the link object itself lives on, defunct, until the last reference goes.
     */
    public void detach() {
        Libbpf.check(Lib.bpf_link_detach(fd()), "detach link (" + description + ")");
    }

    /**
     * Releases this process's reference: an unpinned link is detached, a pinned one stays.
     * Idempotent.
     */
    @Override
    public void close() {
        if (fd < 0) return;
        if (link.address() != 0) {
            Lib.bpf_link__destroy(link); // closes the fd; does not unpin
            link = MemorySegment.NULL;
        } else {
            Native.close(fd);
        }
        fd = -1;
    }

    /** An O_RDONLY|O_DIRECTORY fd of {@code dir} (cgroup fds for attach and query); close it. */
    static int openDirectory(Path dir, String what) {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            Native.Errno err = new Native.Errno();
            int fd = Native.open(Libbpf.cString(arena, dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC, err);
            if (fd < 0) throw new LibbpfException(what + ": open " + dir, err.value);
            return fd;
        }
    }

    @Override
    public String toString() {
        return "BpfLink[" + description + "]";
    }
}
