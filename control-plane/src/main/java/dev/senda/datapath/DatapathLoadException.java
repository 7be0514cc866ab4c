package dev.senda.datapath;

import dev.senda.maps.libbpf.ObjectLoadException;

import java.util.Optional;

/**
 * The kernel refused one of the datapath's objects (the verifier rejected a program). Thrown by
 * {@link Datapath#load} before anything was attached or swapped: the datapath that ran before keeps
 * running, and the agent reports this instead of replacing it.
 *
 * @see dev.senda.agent.Agent
 */
public final class DatapathLoadException extends RuntimeException {
    /** Lines of the verifier's log kept for the log line, the metric's reason and /healthz. */
    public static final int TAIL_LINES = 8;
    /** At most this many characters of them. */
    public static final int TAIL_CHARS = 1000;

    private final String object;
    private final Optional<String> program;
    private final String verifierTail;

    private DatapathLoadException(String object, Optional<String> program, String verifierTail, Throwable cause) {
        super(object + (program.map(p -> " (program " + p + ")").orElse("")) + " rejected by the kernel: "
                + verifierTail.replace('\n', '|'), cause);
        this.object = object;
        this.program = program;
        this.verifierTail = verifierTail;
    }

    static DatapathLoadException of(String object, ObjectLoadException e) {
        return new DatapathLoadException(object, e.rejectedProgram(), e.verifierTail(TAIL_LINES, TAIL_CHARS), e);
    }

    /** The object's file name, e.g. {@code senda_tc.o}. */
    public String object() {
        return object;
    }

    /** The program the verifier rejected, when libbpf named one. */
    public Optional<String> program() {
        return program;
    }

    /** The last lines of the verifier's log (bounded: {@link #TAIL_LINES}, {@link #TAIL_CHARS}). */
    public String verifierTail() {
        return verifierTail;
    }
}
