package dev.senda.maps.libbpf;

/**
 * Outcome of one {@code BPF_PROG_TEST_RUN}.
 *
 * @param retval           the program's return value (e.g. {@code TC_ACT_*})
 * @param dataOut          the packet as the program left it (rewritten headers, possibly resized)
 * @param durationNsPerRun average run time in nanoseconds, as measured by the kernel
 */
public record TestRunResult(int retval, byte[] dataOut, long durationNsPerRun) {
}
