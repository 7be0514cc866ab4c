package dev.senda.source.snapshot;

/**
 * A snapshot file that must not be used: truncated, damaged, of another format version, or with
 * content this agent cannot read. The message is one line naming the check that failed; the agent
 * logs it and starts as if there were no snapshot.
 */
public final class CorruptSnapshotException extends Exception {
    public CorruptSnapshotException(String message) {
        super(message);
    }

    public CorruptSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
