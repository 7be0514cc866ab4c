package dev.senda.desired;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Logs rejections once: a line when one appears, a line when it goes away, nothing while it stays
 * (desired state is recomputed on every sync, the log must not repeat itself every second).
 * Not thread-safe: call it from the sync loop only.
 */
public final class RejectionLog {
    private static final Logger LOG = LoggerFactory.getLogger(RejectionLog.class);

    private Set<Rejection> previous = Set.of();

    /** Logs the difference to the previous call. */
    public void report(List<Rejection> current) {
        Set<Rejection> now = new LinkedHashSet<>(current);
        for (Rejection r : now) {
            if (!previous.contains(r)) LOG.warn("rejected {}", r);
        }
        for (Rejection r : previous) {
            if (!now.contains(r)) LOG.info("no longer rejected: {}", r);
        }
        previous = now;
    }
}
