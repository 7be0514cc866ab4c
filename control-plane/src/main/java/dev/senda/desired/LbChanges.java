package dev.senda.desired;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How one desired {@link LbState} differs from the previous one: what an incremental apply writes
 * ({@code dev.senda.reconcile.LbReconciler#applyChanges}).
 *
 * @param upserted frontends that are new or changed, with their whole desired content
 * @param removed  frontends the state no longer has; disjoint from {@code upserted}
 */
public record LbChanges(SortedMap<Frontend, DesiredFrontend> upserted, SortedSet<Frontend> removed) {
    public static final LbChanges NONE = new LbChanges(new TreeMap<>(), new TreeSet<>());

    public LbChanges {
        upserted = Collections.unmodifiableSortedMap(new TreeMap<>(upserted));
        removed = Collections.unmodifiableSortedSet(new TreeSet<>(removed));
        for (Frontend f : removed) {
            if (upserted.containsKey(f)) throw new IllegalArgumentException(f + " both upserted and removed");
        }
        upserted.forEach((f, df) -> {
            if (!f.equals(df.frontend())) throw new IllegalArgumentException(f + " keys " + df.frontend());
        });
    }

    /** The changes that turn {@code before} into {@code after}. */
    public static LbChanges between(Map<Frontend, DesiredFrontend> before, Map<Frontend, DesiredFrontend> after) {
        TreeMap<Frontend, DesiredFrontend> upserted = new TreeMap<>();
        TreeSet<Frontend> removed = new TreeSet<>();
        after.forEach((f, df) -> {
            if (!df.equals(before.get(f))) upserted.put(f, df);
        });
        for (Frontend f : before.keySet()) {
            if (!after.containsKey(f)) removed.add(f);
        }
        return new LbChanges(upserted, removed);
    }

    public boolean isEmpty() {
        return upserted.isEmpty() && removed.isEmpty();
    }

    /** How many frontends change. */
    public int size() {
        return upserted.size() + removed.size();
    }
}
