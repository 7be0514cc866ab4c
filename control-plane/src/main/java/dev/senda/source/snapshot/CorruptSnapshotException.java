package dev.senda.source.snapshot;

import java.io.IOException;
import java.util.Optional;

/**
 * A snapshot file that must not be used: truncated, damaged, of another format version, or with
 * content this agent cannot read. The message is one line naming the check that failed; the agent
 * logs it with the file's name and starts as if there were no snapshot.
 */
public final class CorruptSnapshotException extends Exception {
    public CorruptSnapshotException(String message) {
        super(message);
    }

    public CorruptSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * This exception as an {@link java.io.InputStream}'s read can throw it (an IOException), for the payload
     * stream of {@link SnapshotFile#payload}, whose reader (the JSON parser) passes it on.
     */
    IOException inStream() {
        return new InStream(this);
    }

    /**
     * The CorruptSnapshotException {@code e} carries if it is one {@link #inStream} made, or caused by
     * one (a parser may wrap what its input stream threw).
     */
    static Optional<CorruptSnapshotException> unwrap(IOException e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof InStream s) return Optional.of(s.corrupt);
        }
        return Optional.empty();
    }

    private static final class InStream extends IOException {
        private final transient CorruptSnapshotException corrupt;

        InStream(CorruptSnapshotException corrupt) {
            super(corrupt.getMessage(), corrupt);
            this.corrupt = corrupt;
        }
    }
}
