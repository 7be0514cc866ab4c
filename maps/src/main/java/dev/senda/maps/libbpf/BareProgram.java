package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.bpf_prog_load_opts;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A program loaded straight from {@link Insns} ({@code bpf_prog_load}: no ELF object, no maps, no
 * BTF). Loading one is how a kernel is asked whether it supports a program type, an expected attach
 * type or a helper: the verifier accepts or refuses it, nothing is attached. Close it to unload.
 */
public final class BareProgram implements LoadedProgram, AutoCloseable {
    /** {@code enum bpf_prog_type} values (stable kernel ABI). */
    public static final int TYPE_SCHED_CLS = 3, TYPE_XDP = 6, TYPE_CGROUP_SOCK_ADDR = 18;

    /** Room for the verifier's log of a program of a few instructions. */
    private static final int LOG_SIZE = 4096;

    private final String name;
    private int fd;

    private BareProgram(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /**
     * Loads a GPL-licensed program.
     *
     * @param name               for messages only (the kernel gets no name: names are limited to
     *                           15 characters and some older kernels refuse them)
     * @param expectedAttachType {@code BPF_*} attach type, or 0 where the program type needs none
     * @throws LibbpfException carrying the kernel's errno and the verifier's last line when refused
     */
    public static BareProgram load(String name, int progType, int expectedAttachType, Insns insns) {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment log = arena.allocate(LOG_SIZE);
            MemorySegment opts = arena.allocate(bpf_prog_load_opts.layout());
            // rawbpf's opts are libbpf 1.3's (larger than 1.1's); the extra bytes stay zero, which 1.1 accepts.
            bpf_prog_load_opts.sz(opts, bpf_prog_load_opts.sizeof());
            bpf_prog_load_opts.expected_attach_type(opts, expectedAttachType);
            bpf_prog_load_opts.log_buf(opts, log);
            bpf_prog_load_opts.log_size(opts, LOG_SIZE);
            bpf_prog_load_opts.log_level(opts, 1);
            byte[] code = insns.bytes();
            int rc = LogBridge.quietly(() -> Lib.bpf_prog_load(progType, MemorySegment.NULL, arena.allocateFrom("GPL"),
                    arena.allocateFrom(JAVA_BYTE, code), insns.count(), opts));
            if (rc < 0) {
                String reason = reason(log.getString(0));
                throw new LibbpfException("load program " + name, -rc, reason.isEmpty() ? "" : " (verifier: " + reason + ")");
            }
            return new BareProgram(name, rc);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int fd() {
        if (fd < 0) throw new IllegalStateException("program " + name + " is closed");
        return fd;
    }

    /**
     * Runs the program on {@code packet} in the kernel ({@code BPF_PROG_TEST_RUN}), as
     * {@link BpfProgram#testRun(byte[], int)} does: e.g. a no-op tc program as the baseline of a
     * per-packet benchmark.
     */
    public TestRunResult testRun(byte[] packet, int repeat) {
        return BpfProgram.testRun(fd(), name, packet, null, repeat);
    }

    /** Unloads the program unless something attached still holds it. Idempotent. */
    @Override
    public void close() {
        if (fd >= 0) {
            Native.close(fd);
            fd = -1;
        }
    }

    /** The verifier's reason: its last line before the statistics it ends with. */
    static String reason(String log) {
        String[] lines = log.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (!line.isEmpty() && !line.startsWith("processed ") && !line.startsWith("verification time")) return line;
        }
        return "";
    }

    @Override
    public String toString() {
        return "BareProgram[" + name + "]";
    }
}
