package dev.senda.agent;

import dev.senda.desired.Rejection;
import dev.senda.desired.policy.PolicyCompiler;
import dev.senda.desired.policy.PolicyState;
import dev.senda.model.Snapshot;
import dev.senda.reconcile.PolicyApplyResult;
import dev.senda.reconcile.PolicyEncoding;
import dev.senda.reconcile.PolicyReconciler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The NetworkPolicy part of a sync: snapshot -> {@link PolicyCompiler#update} -> {@link PolicyReconciler} ->
 * policy maps. Runs on the sync thread, from {@link ServiceSync}, after the source has synced (so a pod
 * is never made "pending" or opened because its policies were not listed yet). Each rejection and each
 * rule entry cut to 16 port ranges is logged once, when it first appears.
 */
final class PolicySync {
    private static final Logger log = LoggerFactory.getLogger(PolicySync.class);

    private final PolicyReconciler reconciler;
    /** Keeps the previous resolutions: a change re-resolves only the pods it affects. */
    private final PolicyCompiler compiler = new PolicyCompiler();
    private final String nodeName;
    private Set<Rejection> reportedRejections = Set.of();
    private Set<String> reportedTruncations = Set.of();
    private int lastEndpoints = -1;

    PolicySync(PolicyReconciler reconciler, String nodeName) {
        this.reconciler = reconciler;
        this.nodeName = nodeName;
    }

    /** Re-reads the maps (periodic drift repair). */
    void restore() {
        reconciler.restore();
    }

    /** Compiles and applies; the result says whether every write landed. */
    PolicyApplyResult sync(Snapshot snapshot) {
        PolicyState state;
        try {
            state = compiler.update(snapshot, nodeName);
        } catch (RuntimeException e) {
            // a compiler bug must not stop Service programming: the maps keep the last policy (never opened)
            log.error("NetworkPolicy compilation failed; the last programmed policy stays enforced", e);
            return new PolicyApplyResult(0, 0, 0, List.of(), List.of("policy compilation failed: " + e));
        }
        report(state.rejections());
        PolicyApplyResult result = reconciler.apply(state, true);
        Set<String> cut = new HashSet<>();
        for (PolicyEncoding.Truncated t : result.truncated()) {
            cut.add(t.toString());
            if (!reportedTruncations.contains(t.toString())) log.warn("policy rule entry too large: {}", t);
        }
        reportedTruncations = cut;
        if (result.writes() > 0 || result.endpoints() != lastEndpoints) {
            log.info("programmed policy of {} pods: {} rule entries ({} map writes)", result.endpoints(), result.rules(),
                    result.writes());
        }
        lastEndpoints = result.endpoints();
        return result;
    }

    private void report(List<Rejection> rejections) {
        Set<Rejection> now = new HashSet<>(rejections);
        for (Rejection r : rejections) {
            if (!reportedRejections.contains(r)) log.warn("rejected {}", r);
        }
        reportedRejections = now;
    }
}
