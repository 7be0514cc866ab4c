package dev.senda.maps.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import me.bechberger.ebpf.bpf.raw.Lib;
import me.bechberger.ebpf.bpf.raw.libbpf_print_fn_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libbpf's print callback, formatted with {@code vsnprintf} and handed to slf4j, so that a
 * verifier rejection ends up in the agent's log instead of on stderr.
 *
 * <p>Levels: LIBBPF_WARN to warn, LIBBPF_INFO to info, LIBBPF_DEBUG to debug (formatted only when
 * debug is enabled: libbpf is chatty at that level).
 */
final class LogBridge {
    static final Logger LOG = LoggerFactory.getLogger("dev.senda.maps.libbpf.libbpf");

    /** Verifier logs can be long; a longer message is cut and marked. */
    private static final int BUFFER_SIZE = 1 << 20;

    /** Set while a call whose failure is expected and handled runs on this thread. */
    private static final ThreadLocal<Boolean> QUIET = ThreadLocal.withInitial(() -> false);

    private LogBridge() {
    }

    /** Warnings captured on this thread by {@link #capturingWarnings}, or null. */
    private static final ThreadLocal<StringBuilder> CAPTURE = new ThreadLocal<>();

    /** Result of a call made under {@link #capturingWarnings}. */
    record Captured(int rc, String warnings) {
    }

    /**
     * Runs {@code call} and also collects the warnings libbpf printed meanwhile (they are logged
     * as usual too), so an exception can carry e.g. the verifier's reason for a rejection.
     */
    static Captured capturingWarnings(java.util.function.IntSupplier call) {
        StringBuilder before = CAPTURE.get();
        StringBuilder sb = new StringBuilder();
        CAPTURE.set(sb);
        try {
            int rc = call.getAsInt();
            return new Captured(rc, sb.toString());
        } finally {
            CAPTURE.set(before);
        }
    }

    /**
     * Runs {@code call} with libbpf's warnings demoted to debug: for calls whose failure is an
     * expected answer (creating a clsact qdisc that exists, detaching a filter that is gone),
     * so the agent's log does not cry wolf on every start.
     */
    static int quietly(java.util.function.IntSupplier call) {
        boolean before = QUIET.get();
        QUIET.set(true);
        try {
            return call.getAsInt();
        } finally {
            QUIET.set(before);
        }
    }

    static void install() {
        MemorySegment callback = libbpf_print_fn_t.allocate(LogBridge::print, Arena.global());
        Lib.libbpf_set_print(callback);
    }

    /** Upcall: must never throw (an exception escaping an upcall kills the JVM). */
    private static int print(int level, MemorySegment format, MemorySegment args) {
        try {
            if (QUIET.get() && level != Lib.LIBBPF_DEBUG()) level = Lib.LIBBPF_DEBUG();
            boolean enabled = level == Lib.LIBBPF_WARN() ? LOG.isWarnEnabled()
                    : level == Lib.LIBBPF_INFO() ? LOG.isInfoEnabled() : LOG.isDebugEnabled();
            if (!enabled) return 0;
            String text;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(BUFFER_SIZE);
                int n = Lib.vsnprintf(buf, BUFFER_SIZE, format, args);
                text = buf.getString(0);
                if (n >= BUFFER_SIZE) text += "... (" + (n - BUFFER_SIZE + 1) + " more bytes cut)";
            }
            text = text.stripTrailing();
            StringBuilder capture = CAPTURE.get();
            if (capture != null && level == Lib.LIBBPF_WARN()) capture.append(text).append('\n');
            if (level == Lib.LIBBPF_WARN()) LOG.warn("{}", text);
            else if (level == Lib.LIBBPF_INFO()) LOG.info("{}", text);
            else LOG.debug("{}", text);
        } catch (Throwable t) {
            // Nothing sensible to do: losing one log line beats crashing the agent.
        }
        return 0;
    }
}
