package dev.senda.reconcile;

import java.util.Objects;

/**
 * What a sync function reports back to {@link SyncRunner}.
 *
 * @param success  false makes the runner retry with backoff
 * @param complete the full desired state was programmed with every source synced (pruning
 *                 allowed); health reports ready only after a complete success
 * @param detail   one line for logs ("" when nothing to say)
 */
public record SyncResult(boolean success, boolean complete, String detail) {
    public SyncResult {
        Objects.requireNonNull(detail, "detail");
        if (complete && !success) throw new IllegalArgumentException("a failed sync cannot be complete");
    }

    /** A success; {@code complete} as in the record description. */
    public static SyncResult success(boolean complete) {
        return new SyncResult(true, complete, "");
    }

    public static SyncResult failure(String detail) {
        return new SyncResult(false, false, detail);
    }
}
