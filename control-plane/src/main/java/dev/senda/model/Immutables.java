package dev.senda.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Defensive copies that tolerate nulls (an object from the API may carry a null list element or
 * label value; {@code List.copyOf} would throw, and sources must never throw on content).
 */
final class Immutables {
    private Immutables() {
    }

    /** An immutable copy without null elements (a null element carries nothing to map). */
    static <T> List<T> list(List<T> in) {
        if (in == null || in.isEmpty()) return List.of();
        // Not in.contains(null): immutable lists throw on that call.
        List<T> copy = new ArrayList<>(in.size());
        for (T t : in) {
            if (t != null) copy.add(t);
        }
        return List.copyOf(copy);
    }

    /** Sorted by key so that two equal objects print the same way. Null keys are dropped. */
    static Map<String, String> map(Map<String, String> in) {
        if (in == null || in.isEmpty()) return Map.of();
        TreeMap<String, String> copy = new TreeMap<>();
        in.forEach((k, v) -> {
            if (k != null) copy.put(k, v);
        });
        return Collections.unmodifiableMap(copy);
    }
}
