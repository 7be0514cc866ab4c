package dev.senda.desired;

import java.util.List;
import java.util.Objects;

/**
 * The output of {@link DesiredStateCalculator}: what the load-balancer maps should hold, and what
 * was refused on the way (for a log line per rejection and for the tests).
 *
 * @param rejections sorted by {@link Rejection#ORDER}
 */
public record DesiredState(LbState lb, List<Rejection> rejections) {
    public DesiredState {
        Objects.requireNonNull(lb, "lb");
        rejections = List.copyOf(rejections);
    }

    public static DesiredState empty() {
        return new DesiredState(LbState.empty(), List.of());
    }
}
