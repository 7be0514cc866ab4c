package dev.senda.source;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a source's view is current, for {@code /healthz}'s body.
 *
 * @param healthy       the source is receiving changes right now (for the API server: every watch is
 *                      open and was heard from, or answered a probe, within the idle bound)
 * @param lastGoodSync  the last moment the source had proof its view was current; empty for a source
 *                      that is current by construction (a directory, re-read on every change)
 * @param detail        for people: "watching", or why not
 */
public record SourceHealth(boolean healthy, Optional<Instant> lastGoodSync, String detail) {
    public SourceHealth {
        Objects.requireNonNull(lastGoodSync, "lastGoodSync");
        Objects.requireNonNull(detail, "detail");
    }

    /** A source whose view is always current. */
    public static final SourceHealth ALWAYS_CURRENT = new SourceHealth(true, Optional.empty(), "current");
}
