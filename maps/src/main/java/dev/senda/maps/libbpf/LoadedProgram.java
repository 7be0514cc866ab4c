package dev.senda.maps.libbpf;

/**
 * A program that is in the kernel and can be attached: one of a {@link BpfObject}, or a
 * {@link BareProgram} loaded from instructions.
 */
public sealed interface LoadedProgram permits BpfProgram, BareProgram {
    /** The name it was loaded under (for messages). */
    String name();

    /** Its fd; valid while its owner is open. */
    int fd();
}
