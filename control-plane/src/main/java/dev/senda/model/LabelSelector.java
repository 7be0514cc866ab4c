package dev.senda.model;

import java.util.List;
import java.util.Map;

/**
 * A metav1.LabelSelector as given: the requirements are ANDed, an empty selector selects everything.
 *
 * @param matchLabels      key = value requirements (never null)
 * @param matchExpressions set-based requirements (never null)
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    /** {@code {}}: selects everything. */
    public static final LabelSelector ALL = new LabelSelector(Map.of(), List.of());

    public LabelSelector {
        matchLabels = Immutables.map(matchLabels);
        matchExpressions = Immutables.list(matchExpressions);
    }

    /** Whether the selector has no requirement at all (selects everything). */
    public boolean isEmpty() {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }

    /**
     * One matchExpressions entry, as given.
     *
     * @param key      the label key; null when absent
     * @param operator "In", "NotIn", "Exists", "DoesNotExist" in a valid object; anything else kept as given
     * @param values   the values (never null)
     */
    public record Requirement(String key, String operator, List<String> values) {
        public Requirement {
            values = Immutables.list(values);
        }
    }
}
