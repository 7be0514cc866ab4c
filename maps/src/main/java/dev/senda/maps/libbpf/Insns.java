package dev.senda.maps.libbpf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds BPF instructions ({@code struct bpf_insn}: 8 bytes each, host byte order) for the few
 * straight-line programs Senda loads without an object file: feature probes and test programs.
 * Only what those need: set a register, call a helper, exit.
 */
public final class Insns {
    private static final int ALU64_MOV_K = 0x07 | 0xb0;  // BPF_ALU64 | BPF_MOV | BPF_K
    private static final int JMP_CALL = 0x05 | 0x80;     // BPF_JMP | BPF_CALL
    private static final int JMP_EXIT = 0x05 | 0x90;     // BPF_JMP | BPF_EXIT

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int count;

    /** {@code r0 = value; exit}: the smallest valid program. */
    public static Insns returning(int value) {
        return new Insns().movImm(0, value).exit();
    }

    /** {@code reg = imm} (64-bit, sign-extended). */
    public Insns movImm(int reg, int imm) {
        return add(ALU64_MOV_K, reg, imm);
    }

    /** Calls helper {@code helperId} ({@code BPF_FUNC_*}); arguments in r1..r5, the result in r0. */
    public Insns call(int helperId) {
        return add(JMP_CALL, 0, helperId);
    }

    /** Returns r0. */
    public Insns exit() {
        return add(JMP_EXIT, 0, 0);
    }

    public int count() {
        return count;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    private Insns add(int code, int dst, int imm) {
        if (dst < 0 || dst > 10) throw new IllegalArgumentException("no BPF register r" + dst);
        ByteOrder order = ByteOrder.nativeOrder();
        // dst_reg:4 and src_reg:4 share a byte; as C bitfields dst is the low nibble on
        // little-endian hosts and the high one on big-endian hosts. src and off are always 0 here.
        byte regs = (byte) (order == ByteOrder.LITTLE_ENDIAN ? dst : dst << 4);
        ByteBuffer insn = ByteBuffer.allocate(8).order(order)
                .put((byte) code).put(regs).putShort((short) 0).putInt(imm);
        out.writeBytes(insn.array());
        count++;
        return this;
    }
}
