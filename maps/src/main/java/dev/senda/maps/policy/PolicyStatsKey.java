package dev.senda.maps.policy;

import java.util.Comparator;
import java.util.Objects;

/**
 * Key of {@code senda_polstats_v1} ({@code struct senda_polstats_key}): one verdict counter.
 *
 * @param policyId  the allowing policy's id for {@link PolicyVerdict#ALLOW}, else 0
 * @param direction which check counted
 * @param verdict   what it decided
 */
public record PolicyStatsKey(int policyId, RuleDirection direction, PolicyVerdict verdict)
        implements Comparable<PolicyStatsKey> {
    private static final Comparator<PolicyStatsKey> ORDER = Comparator.comparingInt(PolicyStatsKey::policyId)
            .thenComparing(PolicyStatsKey::direction).thenComparing(PolicyStatsKey::verdict);

    public PolicyStatsKey {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(verdict, "verdict");
        if (policyId < 0 || policyId > 0xffff) throw new IllegalArgumentException("policy id out of range: " + policyId);
    }

    @Override
    public int compareTo(PolicyStatsKey o) {
        return ORDER.compare(this, o);
    }
}
