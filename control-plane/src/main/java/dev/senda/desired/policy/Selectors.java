package dev.senda.desired.policy;

import dev.senda.model.LabelSelector;

import java.util.Map;
import java.util.Optional;

/**
 * metav1.LabelSelector semantics: every requirement must hold; an empty selector selects everything.
 * In: the label is present with one of the values; NotIn: absent, or present with none of them;
 * Exists / DoesNotExist: the key is present / absent.
 */
public final class Selectors {
    private Selectors() {
    }

    /**
     * What makes {@code selector} invalid as the API server would judge it (an unknown operator, In or
     * NotIn without values, Exists or DoesNotExist with values, an empty key); empty when it is valid.
     */
    public static Optional<String> invalid(LabelSelector selector) {
        for (LabelSelector.Requirement r : selector.matchExpressions()) {
            if (r.key() == null || r.key().isEmpty()) return Optional.of("matchExpressions entry without a key");
            String op = r.operator() == null ? "" : r.operator();
            switch (op) {
                case "In", "NotIn" -> {
                    if (r.values().isEmpty()) {
                        return Optional.of("matchExpressions " + r.key() + " " + op + " needs values");
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (!r.values().isEmpty()) {
                        return Optional.of("matchExpressions " + r.key() + " " + op + " takes no values");
                    }
                }
                default -> {
                    return Optional.of("matchExpressions " + r.key() + ": unknown operator \"" + op + "\"");
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code labels} satisfy every requirement of a valid {@code selector}. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        for (Map.Entry<String, String> e : selector.matchLabels().entrySet()) {
            String want = e.getValue();
            if (want == null || !want.equals(labels.get(e.getKey()))) return false;
        }
        for (LabelSelector.Requirement r : selector.matchExpressions()) {
            String value = labels.get(r.key());
            boolean ok = switch (r.operator()) {
                case "In" -> value != null && r.values().contains(value);
                case "NotIn" -> value == null || !r.values().contains(value);
                case "Exists" -> labels.containsKey(r.key());
                case "DoesNotExist" -> !labels.containsKey(r.key());
                default -> false; // refused by invalid(); never selects by accident
            };
            if (!ok) return false;
        }
        return true;
    }
}
