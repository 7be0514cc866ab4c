package dev.senda.reconcile.table;

import java.util.List;
import java.util.Objects;

/**
 * One step of a write order run by {@link PhasedWriter}: a {@link Phase}, or phases run group by group.
 */
public sealed interface Step permits Phase, Step.Interleaved {
    /** For logs. */
    String name();

    /**
     * Phases whose writes run one group at a time: every write of a group (in phase order) before any
     * of the next group. For entries that make sense only together (a frontend's slots, reverse NAT and
     * header): when a map fills up part-way, the groups written so far are whole and the rest have
     * written nothing, rather than every group having its slots and none its header.
     *
     * <p>Where a map filling up part-way cannot happen (the maps say every new key fits) and the
     * outcome is provably the same, {@link PhasedWriter} runs the phases one after the other across
     * all groups instead, so that each phase is a few batches rather than a few per group; each
     * group's own writes keep their phase order.
     */
    record Interleaved(String name, List<Phase<?, ?>> phases) implements Step {
        public Interleaved {
            Objects.requireNonNull(name, "name");
            phases = List.copyOf(phases);
        }
    }
}
