package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.bpf_prog_info;
import me.bechberger.ebpf.bpf.raw.bpf_test_run_opts;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A program of a {@link BpfObject}. Valid while the object is open; its fd exists once loaded.
 */
public final class BpfProgram implements LoadedProgram {
    /** Room for a program that grows the packet (encapsulation, options) during a test run. */
    private static final int DATA_OUT_HEADROOM = 64 * 1024;

    private final BpfObject owner;
    private final MemorySegment prog;
    private final String name;

    BpfProgram(BpfObject owner, MemorySegment prog, String name) {
        this.owner = owner;
        this.prog = prog;
        this.name = name;
    }

    /** The C function name. */
    @Override
    public String name() {
        return name;
    }

    /** The ELF section, e.g. {@code "cgroup/connect4"} or {@code "tc"}. */
    public String sectionName() {
        owner.ensureOpen();
        return BpfObject.cString(Lib.bpf_program__section_name(prog));
    }

    /** {@code BPF_PROG_TYPE_*}. */
    public int type() {
        owner.ensureOpen();
        return Lib.bpf_program__type(prog);
    }

    /** {@code BPF_*} attach type libbpf derived from the section name. */
    public int expectedAttachType() {
        owner.ensureOpen();
        return Lib.bpf_program__expected_attach_type(prog);
    }

    /**
     * Whether {@link BpfObject#load} loads this program (libbpf's default: yes). A program left out
     * is never shown to the verifier, so an object whose programs need different kernel features
     * loads with just those the kernel has.
     *
     * @throws IllegalStateException once the object is loaded
     */
    public void setAutoload(boolean autoload) {
        owner.ensureOpen();
        if (owner.isLoaded()) throw new IllegalStateException("program " + name + ": object already loaded");
        Libbpf.check(Lib.bpf_program__set_autoload(prog, autoload), "set autoload of program " + name);
    }

    /** The program's fd, once its object is loaded. */
    @Override
    public int fd() {
        owner.ensureLoaded("fd of program " + name);
        return Libbpf.check(Lib.bpf_program__fd(prog), "fd of program " + name);
    }

    /** Kernel-wide program id (what {@code bpftool prog} and attachment queries show). */
    public int id() {
        return info(bpf_prog_info::id);
    }

    /**
     * How many instructions the verifier processed to accept this program ({@code bpf_prog_info.verified_insns},
     * kernel 5.16 and later; 0 before): the work every load of it costs, against the kernel's limit of 1,000,000.
     */
    public int verifiedInstructions() {
        return info(bpf_prog_info::verified_insns);
    }

    private int info(java.util.function.ToIntFunction<MemorySegment> field) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(bpf_prog_info.layout());
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) bpf_prog_info.sizeof());
            Libbpf.check(Lib.bpf_obj_get_info_by_fd(fd(), info, len), "get info of program " + name);
            return field.applyAsInt(info);
        }
    }

    MemorySegment handle() {
        owner.ensureOpen();
        return prog;
    }

    BpfObject owner() {
        return owner;
    }

    /**
     * Runs the program on {@code packet} in the kernel ({@code BPF_PROG_TEST_RUN}) without
     * attaching it; no network namespace is needed. For skb programs the packet starts with the
     * Ethernet header.
     *
     * @param repeat number of runs (the duration is averaged; 0 means 1)
     */
    public TestRunResult testRun(byte[] packet, int repeat) {
        return testRun(packet, null, repeat);
    }

    /**
     * As {@link #testRun(byte[], int)}, with an input context (e.g. a {@code struct __sk_buff}
     * with {@code ifindex} or {@code mark} set), or null for none.
     */
    public TestRunResult testRun(byte[] packet, byte[] ctxIn, int repeat) {
        return testRun(fd(), name, packet, ctxIn, repeat);
    }

    /** {@code BPF_PROG_TEST_RUN} of the program {@code fd} (named {@code name} in errors); shared with {@link BareProgram}. */
    static TestRunResult testRun(int fd, String name, byte[] packet, byte[] ctxIn, int repeat) {
        if (repeat < 0) throw new IllegalArgumentException("repeat < 0");
        try (Arena arena = Arena.ofConfined()) {
            int outSize = packet.length + DATA_OUT_HEADROOM;
            MemorySegment out = arena.allocate(outSize);
            MemorySegment opts = arena.allocate(bpf_test_run_opts.layout());
            bpf_test_run_opts.sz(opts, bpf_test_run_opts.sizeof());
            bpf_test_run_opts.data_in(opts, arena.allocateFrom(JAVA_BYTE, packet));
            bpf_test_run_opts.data_size_in(opts, packet.length);
            bpf_test_run_opts.data_out(opts, out);
            bpf_test_run_opts.data_size_out(opts, outSize);
            if (ctxIn != null) {
                bpf_test_run_opts.ctx_in(opts, arena.allocateFrom(JAVA_BYTE, ctxIn));
                bpf_test_run_opts.ctx_size_in(opts, ctxIn.length);
            }
            bpf_test_run_opts.repeat(opts, repeat);
            Libbpf.check(Lib.bpf_prog_test_run_opts(fd, opts),
                    "test run of program " + name + " (" + packet.length + " byte packet)");
            int produced = bpf_test_run_opts.data_size_out(opts);
            byte[] dataOut = out.asSlice(0, Math.min(produced, outSize)).toArray(JAVA_BYTE);
            return new TestRunResult(bpf_test_run_opts.retval(opts), dataOut,
                    Integer.toUnsignedLong(bpf_test_run_opts.duration(opts)));
        }
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + "]";
    }
}
