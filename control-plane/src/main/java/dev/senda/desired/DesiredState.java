package dev.senda.desired;

import java.util.List;
import java.util.Objects;

/**
 * The output of {@link DesiredStateCalculator}: what the load-balancer maps should hold, and what
 * was refused on the way (for a log line per rejection and for the tests).
 *
 * @param rejections   sorted by {@link Rejection#ORDER}
 * @param healthChecks the health-check node ports to serve on this node (not map state: the agent
 *                     serves them over HTTP)
 */
public record DesiredState(LbState lb, List<Rejection> rejections, HealthChecks healthChecks) {
    public DesiredState {
        Objects.requireNonNull(lb, "lb");
        Objects.requireNonNull(healthChecks, "healthChecks");
        rejections = List.copyOf(rejections);
    }

    /** Without health-check node ports. */
    public DesiredState(LbState lb, List<Rejection> rejections) {
        this(lb, rejections, HealthChecks.NONE);
    }

    public static DesiredState empty() {
        return new DesiredState(LbState.empty(), List.of());
    }
}
