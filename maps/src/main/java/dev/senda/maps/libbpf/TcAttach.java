package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.bpf_tc_hook;
import me.bechberger.ebpf.bpf.raw.bpf_tc_opts;

/**
 * The clsact fallback for kernels without tcx: a {@code cls_bpf} filter in direct-action mode
 * on a device's clsact qdisc (created if missing; an existing one is reused).
 *
 * <p>Unlike a link, such a filter is not tied to any fd: it stays until {@link #detach} (or
 * until the qdisc or device goes), so it survives agent restarts by itself. Senda uses one fixed
 * handle/priority per direction and replaces in place, which makes attach idempotent.
 */
public final class TcAttach {
    public static final int DEFAULT_HANDLE = 1;
    public static final int DEFAULT_PRIORITY = 1;

    /**
     * A filter placed by {@link #attach}.
     *
     * @param progId kernel id of the attached program
     */
    public record Attachment(int ifindex, boolean ingress, int handle, int priority, int progId) {
    }

    private TcAttach() {
    }

    /** Attaches (or replaces) Senda's filter with the default handle and priority. */
    public static Attachment attach(LoadedProgram program, int ifindex, boolean ingress) {
        return attach(program, ifindex, ingress, DEFAULT_HANDLE, DEFAULT_PRIORITY);
    }

    /** Attaches (or replaces) the filter at {@code handle}/{@code priority}, creating clsact if needed. */
    public static Attachment attach(LoadedProgram program, int ifindex, boolean ingress, int handle, int priority) {
        String what = "attach program " + program.name() + " via clsact to ifindex " + ifindex + dir(ingress);
        int progFd = program.fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hook = hook(arena, ifindex, ingress ? Lib.BPF_TC_INGRESS() : Lib.BPF_TC_EGRESS());
            int rc = LogBridge.quietly(() -> Lib.bpf_tc_hook_create(hook));
            if (rc != -LibbpfException.EEXIST) Libbpf.check(rc, what + ": create clsact qdisc");
            MemorySegment opts = opts(arena, handle, priority);
            bpf_tc_opts.prog_fd(opts, progFd);
            bpf_tc_opts.flags(opts, Lib.BPF_TC_F_REPLACE());
            Libbpf.check(Lib.bpf_tc_attach(hook, opts), what);
            return new Attachment(ifindex, ingress, handle, priority, bpf_tc_opts.prog_id(opts));
        }
    }

    /**
     * The kernel id of the program in the filter at {@code handle}/{@code priority}; empty when there is
     * no such filter (or no clsact qdisc, or no such device).
     */
    public static java.util.OptionalInt query(int ifindex, boolean ingress, int handle, int priority) {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hook = hook(arena, ifindex, ingress ? Lib.BPF_TC_INGRESS() : Lib.BPF_TC_EGRESS());
            MemorySegment opts = opts(arena, handle, priority);
            int rc = LogBridge.quietly(() -> Lib.bpf_tc_query(hook, opts));
            if (rc == -LibbpfException.ENOENT || rc == -LibbpfException.EINVAL) return java.util.OptionalInt.empty();
            Libbpf.check(rc, "query clsact filter " + handle + "/" + priority + " of ifindex " + ifindex + dir(ingress));
            return java.util.OptionalInt.of(bpf_tc_opts.prog_id(opts));
        }
    }

    /**
     * Removes Senda's filter (default handle and priority) from one direction.
     *
     * @return false if there was none (no qdisc, no filter, or the device is gone)
     */
    public static boolean detach(int ifindex, boolean ingress) {
        return detach(ifindex, ingress, DEFAULT_HANDLE, DEFAULT_PRIORITY);
    }

    /** @return false if there was no such filter */
    public static boolean detach(Attachment attachment) {
        return detach(attachment.ifindex(), attachment.ingress(), attachment.handle(), attachment.priority());
    }

    /** @return false if there was no such filter */
    public static boolean detach(int ifindex, boolean ingress, int handle, int priority) {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hook = hook(arena, ifindex, ingress ? Lib.BPF_TC_INGRESS() : Lib.BPF_TC_EGRESS());
            MemorySegment opts = opts(arena, handle, priority);
            int rc = LogBridge.quietly(() -> Lib.bpf_tc_detach(hook, opts));
            if (rc == -LibbpfException.ENOENT || rc == -LibbpfException.EINVAL && !deviceExists(ifindex)) {
                return false;
            }
            Libbpf.check(rc, "detach clsact filter " + handle + "/" + priority + " from ifindex " + ifindex
                    + dir(ingress));
            return true;
        }
    }

    /**
     * Deletes the device's clsact qdisc with every filter on it, Senda's or not. For cleanup of
     * devices Senda created the qdisc on.
     *
     * @return false if there was none
     */
    public static boolean destroyClsact(int ifindex) {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hook = hook(arena, ifindex, Lib.BPF_TC_INGRESS() | Lib.BPF_TC_EGRESS());
            int rc = LogBridge.quietly(() -> Lib.bpf_tc_hook_destroy(hook));
            if (rc == -LibbpfException.ENOENT || rc == -LibbpfException.EINVAL) return false;
            Libbpf.check(rc, "destroy clsact qdisc of ifindex " + ifindex);
            return true;
        }
    }

    private static MemorySegment hook(Arena arena, int ifindex, int attachPoint) {
        MemorySegment hook = arena.allocate(bpf_tc_hook.layout());
        bpf_tc_hook.sz(hook, bpf_tc_hook.sizeof());
        bpf_tc_hook.ifindex(hook, ifindex);
        bpf_tc_hook.attach_point(hook, attachPoint);
        return hook;
    }

    private static MemorySegment opts(Arena arena, int handle, int priority) {
        MemorySegment opts = arena.allocate(bpf_tc_opts.layout());
        bpf_tc_opts.sz(opts, bpf_tc_opts.sizeof());
        bpf_tc_opts.handle(opts, handle);
        bpf_tc_opts.priority(opts, priority);
        return opts;
    }

    private static boolean deviceExists(int ifindex) {
        return NetDevices.nameOf(ifindex).isPresent();
    }

    private static String dir(boolean ingress) {
        return ingress ? " ingress" : " egress";
    }
}
