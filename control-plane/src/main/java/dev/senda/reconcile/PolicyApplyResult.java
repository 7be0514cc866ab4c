package dev.senda.reconcile;

import java.util.List;

/**
 * Outcome of one {@link PolicyReconciler#apply}.
 *
 * @param writes    map writes and deletes that succeeded
 * @param endpoints pods programmed (polep entries per address)
 * @param rules     rule entries desired
 * @param truncated rule entries cut to 16 ranges (fail closed), each naming the pod and the policies
 * @param errors    failed writes, one line each; empty on success
 */
public record PolicyApplyResult(int writes, int endpoints, int rules, List<PolicyEncoding.Truncated> truncated,
                                List<String> errors) {
    public PolicyApplyResult {
        truncated = List.copyOf(truncated);
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** The errors for a log line: their count and the first three. */
    public String summary() {
        if (errors.isEmpty()) return "no errors";
        return errors.size() + " policy map writes failed, first: " + String.join("; ", errors.subList(0, Math.min(3, errors.size())));
    }
}
