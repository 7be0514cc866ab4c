package dev.senda.maps.table;

import java.util.Objects;

/**
 * A batch of writes ({@link TypedMap#putAll}, {@link TypedMap#deleteAll}) stopped at a failed element.
 *
 * <p>Exact, as the kernel reports a batch: the first {@link #landed()} elements landed, element
 * {@code landed()} failed with {@link #failure()} (the exception a single {@code put} or {@code delete}
 * of it would have thrown, a {@link MapFullException} included) and left its entry as it was, and
 * no element after it was attempted.
 */
public final class BatchWriteException extends MapWriteException {
    private final int landed;
    private final MapWriteException failure;

    public BatchWriteException(int landed, MapWriteException failure) {
        super(Objects.requireNonNull(failure, "failure").getMessage() + " (after " + landed
                + " elements of the batch landed)", failure);
        if (landed < 0) throw new IllegalArgumentException("landed " + landed);
        this.landed = landed;
        this.failure = failure;
    }

    /** How many elements, from the first, landed. */
    public int landed() {
        return landed;
    }

    /** Why element {@link #landed()} failed, as a single write of it would have said. */
    public MapWriteException failure() {
        return failure;
    }
}
