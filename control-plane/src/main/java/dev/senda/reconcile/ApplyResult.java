package dev.senda.reconcile;

import java.util.List;

/**
 * Outcome of one {@link LbReconciler#apply}.
 *
 * @param writes     map writes and deletes that succeeded (for {@code senda_map_writes_total})
 * @param services   distinct Services (namespace/name) with at least one desired frontend programmed
 * @param frontends  desired frontends whose header entry is in the maps
 * @param backends   backend entries in the maps that desired frontends use
 * @param staleKept  map entries nobody desires that were kept because pruning was not allowed
 * @param errors     what went wrong, one line each (a failed write aborts the apply; its line names
 *                   the map, key and reason); empty on success
 */
public record ApplyResult(int writes, int services, int frontends, int backends, int staleKept, List<String> errors) {
    public ApplyResult {
        errors = List.copyOf(errors);
    }

    /** How many errors a {@link #summary()} names; the rest are counted. */
    static final int SUMMARY_ERRORS = 3;

    /**
     * The errors for a log line: their count and the first few ("2 map writes failed: a; b"), never one
     * line per failed entry or a line of megabytes however many failed.
     */
    public String summary() {
        if (errors.isEmpty()) return "no errors";
        List<String> first = errors.subList(0, Math.min(SUMMARY_ERRORS, errors.size()));
        return errors.size() + (errors.size() == 1 ? " error: " : " errors, first " + first.size() + ": ")
                + String.join("; ", first);
    }

    /** True when every desired entry was programmed. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
