package dev.senda.reconcile;

import java.util.List;
import java.util.Objects;

/**
 * Outcome of one {@link LbReconciler#apply}.
 *
 * @param writes       map writes and deletes that succeeded (for {@code senda_map_writes_total})
 * @param services     distinct Services (namespace/name) with at least one desired frontend programmed
 * @param frontends    desired frontends whose header entry is in the maps
 * @param backends     backend entries in the maps that desired frontends use
 * @param staleKept    map entries nobody desires that are still in the maps (pruning not allowed yet,
 *                     or their delete failed)
 * @param failures     writes and deletes that failed in this apply
 * @param errors       the first few failures, one line each, naming the map, key and reason (at most
 *                     {@link dev.senda.reconcile.table.PhasedWriter#KEPT_ERRORS}); empty on success
 * @param unprogrammed desired frontends the maps do not hold as desired after this apply
 */
public record ApplyResult(int writes, int services, int frontends, int backends, int staleKept, int failures,
                          List<String> errors, Unprogrammed unprogrammed) {
    public ApplyResult {
        errors = List.copyOf(errors);
        Objects.requireNonNull(unprogrammed, "unprogrammed");
        if (failures < errors.size()) throw new IllegalArgumentException("fewer failures than error lines");
    }

    /** A result whose failures are exactly {@code errors}, with nothing reported unprogrammed. */
    public ApplyResult(int writes, int services, int frontends, int backends, int staleKept, List<String> errors) {
        this(writes, services, frontends, backends, staleKept, errors.size(), errors, Unprogrammed.NONE);
    }

    /** How many errors a {@link #summary()} names; the rest are counted. */
    static final int SUMMARY_ERRORS = 3;

    /**
     * The errors for a log line: their count and the first few ("2 map writes failed: a; b"), never one
     * line per failed entry or a line of megabytes however many failed.
     */
    public String summary() {
        if (failures == 0) return "no errors";
        List<String> first = errors.subList(0, Math.min(SUMMARY_ERRORS, errors.size()));
        return failures + (failures == 1 ? " error: " : " errors, first " + first.size() + ": ")
                + String.join("; ", first);
    }

    /** True when every desired entry was programmed. */
    public boolean ok() {
        return failures == 0 && unprogrammed.count() == 0;
    }

    /**
     * Desired frontends not (or not fully) in the maps: a frontend whose header, slots, reverse NAT or
     * source ranges differ from what desired state asks, typically because a map was full. What the
     * maps held for it before stays as it was.
     *
     * @param count how many
     * @param first the first few in frontend order, each "namespace/name:port (address:port/PROTO)"
     */
    public record Unprogrammed(int count, List<String> first) {
        /** How many names {@link #first} keeps. */
        public static final int NAMED = 5;
        public static final Unprogrammed NONE = new Unprogrammed(0, List.of());

        public Unprogrammed {
            first = List.copyOf(first);
            if (first.size() > Math.min(count, NAMED)) throw new IllegalArgumentException("too many names");
        }

        /** "N frontends not programmed: a, b, c, ... (N-3 more)", or "" when none. */
        public String summary() {
            if (count == 0) return "";
            String more = count > first.size() ? ", ... (" + (count - first.size()) + " more)" : "";
            return count + (count == 1 ? " frontend" : " frontends") + " not programmed: "
                    + String.join(", ", first) + more;
        }
    }
}
