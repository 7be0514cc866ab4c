package dev.senda.reconcile;

/** Why {@link SyncRunner} started a sync. */
public enum SyncReason {
    /** One or more {@link SyncRunner#requestSync()} calls since the previous sync. */
    REQUESTED,
    /** Nothing was requested for the max interval: a periodic full resync. */
    PERIODIC,
    /** The previous sync failed; this one retries after a backoff (covering any requests since). */
    RETRY
}
