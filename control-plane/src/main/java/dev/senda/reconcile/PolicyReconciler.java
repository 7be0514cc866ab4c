package dev.senda.reconcile;

import dev.senda.desired.policy.PeerRule;
import dev.senda.desired.policy.PolicyEndpoint;
import dev.senda.desired.policy.PolicyState;
import dev.senda.desired.policy.PortRange;
import dev.senda.maps.policy.PolicyEndpointKey;
import dev.senda.maps.policy.PolicyEndpointValue;
import dev.senda.maps.policy.PolicyPort;
import dev.senda.maps.policy.PolicyRuleKey;
import dev.senda.maps.policy.PolicyRuleValue;
import dev.senda.maps.table.TypedMap;
import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;
import dev.senda.reconcile.table.AppliedTable;
import dev.senda.reconcile.table.Phase;
import dev.senda.reconcile.table.PhasedWriter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static dev.senda.reconcile.table.Phase.Kind.DELETE;
import static dev.senda.reconcile.table.Phase.Kind.PRUNE;
import static dev.senda.reconcile.table.Phase.Kind.PUT;

/**
 * Makes the NetworkPolicy maps hold a {@link PolicyState}, through the generic {@link PhasedWriter}.
 *
 * <p>Ids: each pod gets an endpoint id, each NetworkPolicy a policy id (1..65535, for the verdict
 * counters), both stable while the object exists and handed out round-robin ({@link IdAllocator}).
 * After a restart a pod gets back the endpoint id its address holds in the maps, so nothing changes on
 * the wire; policy ids cannot be told apart by name after a restart: the ids in the maps stay reserved
 * until their entries are rewritten, and policies get fresh ids (counters restart, verdicts do not change).
 *
 * <p>Write order, so that an update never lets through what neither the old nor the new state allows
 * more than for the moment of one entry: a pod's rules go in before its endpoint entry (which makes it
 * isolated), and its rules come out after the endpoint entry stopped isolating it or went away. Rules
 * of a pod that stays are updated in place (an LPM entry is one atomic write). A failed write is
 * reported and retried at the next sync; the others go on (each entry is its own group), since a
 * missing rule denies and a missing endpoint entry leaves the pod "pending", which is the documented
 * behaviour for pods not computed yet.
 *
 * <p>Not thread-safe; called from the sync thread.
 */
public final class PolicyReconciler {
    /** Largest policy id (the {@code __u16 policy_id} of a port range). */
    public static final int MAX_POLICY_ID = 65535;
    /** Largest endpoint id handed out (ids are __u32; the endpoint maps hold 16384 entries per family). */
    public static final int MAX_ENDPOINT_ID = 1 << 20;

    private final AppliedTable<PolicyEndpointKey, PolicyEndpointValue> endpoints;
    private final AppliedTable<PolicyRuleKey, PolicyRuleValue> rules;
    private final List<Phase<?, ?>> writeOrder;
    private final IdAllocator endpointIdAllocator = new IdAllocator("policy endpoint id", MAX_ENDPOINT_ID);
    private final IdAllocator policyIdAllocator = new IdAllocator("policy id", MAX_POLICY_ID);
    private final Map<ObjectRef, Integer> endpointIds = new HashMap<>();
    private final Map<ObjectRef, Integer> policyIds = new HashMap<>();
    /** Ids found in the maps at restore, by address, for pods not yet seen by this process. */
    private final Map<IpAddress, Integer> restoredEndpointIds = new HashMap<>();
    private Set<Integer> desiredEndpointIds = Set.of();

    public PolicyReconciler(TypedMap<PolicyEndpointKey, PolicyEndpointValue> endpointMap,
                            TypedMap<PolicyRuleKey, PolicyRuleValue> ruleMap) {
        this.endpoints = new AppliedTable<>(Objects.requireNonNull(endpointMap, "endpointMap"));
        this.rules = new AppliedTable<>(Objects.requireNonNull(ruleMap, "ruleMap"));
        this.writeOrder = List.of(
                new Phase<>("policy rules", rules, PUT, (k, d) -> true, (k, v) -> k),
                new Phase<>("policy endpoints", endpoints, PUT, (k, d) -> true, (k, v) -> k),
                // a pod still here whose address or isolation shrank
                new Phase<>("surplus policy endpoints", endpoints, DELETE,
                        (k, d) -> desiredEndpointIds.contains(endpoints.get(k).endpointId()), (k, v) -> k),
                new Phase<>("surplus policy rules", rules, DELETE,
                        (k, d) -> desiredEndpointIds.contains(k.endpointId()), (k, v) -> k),
                new Phase<>("stale policy endpoints", endpoints, PRUNE, (k, d) -> true, (k, v) -> k),
                new Phase<>("stale policy rules", rules, PRUNE, (k, d) -> true, (k, v) -> k));
    }

    /** Re-reads the maps: the applied view, the endpoint ids by address, the policy ids in use. */
    public void restore() {
        endpoints.reload();
        rules.reload();
        restoredEndpointIds.clear();
        endpoints.applied().forEach((k, v) -> restoredEndpointIds.put(k.address(), v.endpointId()));
        Set<Integer> epIds = new HashSet<>(endpointIds.values());
        endpoints.applied().values().forEach(v -> epIds.add(v.endpointId()));
        rules.applied().keySet().forEach(k -> epIds.add(k.endpointId()));
        endpointIdAllocator.resetForRestore(epIds);
        Set<Integer> polIds = new HashSet<>(policyIds.values());
        for (PolicyRuleValue v : rules.applied().values()) for (PolicyPort p : v.ports()) polIds.add(p.policyId());
        policyIdAllocator.resetForRestore(polIds);
    }

    /** The policy id of each NetworkPolicy this process has given one (for the counters' labels). */
    public synchronized Map<Integer, ObjectRef> policyNames() {
        Map<Integer, ObjectRef> out = new HashMap<>();
        policyIds.forEach((ref, id) -> out.put(id, ref));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Writes what differs from {@code state}.
     *
     * @param pruneAllowed whether entries of pods no longer desired may be removed (every source synced)
     */
    public synchronized PolicyApplyResult apply(PolicyState state, boolean pruneAllowed) {
        Map<PolicyEndpointKey, PolicyEndpointValue> wantedEndpoints = new HashMap<>();
        Map<PolicyRuleKey, PolicyRuleValue> wantedRules = new HashMap<>();
        List<PolicyEncoding.Truncated> truncated = new ArrayList<>();
        Set<ObjectRef> pods = new HashSet<>();
        Set<ObjectRef> policies = new HashSet<>();
        Set<Integer> epIds = new HashSet<>();
        for (PolicyEndpoint ep : state.endpoints()) {
            if (!pods.add(ep.pod())) continue;
            int id = endpointId(ep);
            epIds.add(id);
            PolicyEncoding.endpoints(ep, id, wantedEndpoints);
            truncated.addAll(PolicyEncoding.rules(ep, id, this::policyId, wantedRules));
            for (PeerRule r : ep.ingress()) for (PortRange p : r.ports()) policies.add(p.policy());
            for (PeerRule r : ep.egress()) for (PortRange p : r.ports()) policies.add(p.policy());
        }
        desiredEndpointIds = epIds;
        PhasedWriter.Outcome outcome = PhasedWriter.apply(writeOrder, new PhasedWriter.Desired()
                .with(endpoints, wantedEndpoints).with(rules, wantedRules), pruneAllowed);
        // ids stay taken while desired or still in the maps
        endpointIds.keySet().retainAll(pods);
        Set<Integer> epInUse = new HashSet<>(epIds);
        endpoints.applied().values().forEach(v -> epInUse.add(v.endpointId()));
        rules.applied().keySet().forEach(k -> epInUse.add(k.endpointId()));
        endpointIdAllocator.retainOnly(epInUse);
        policyIds.keySet().retainAll(policies);
        Set<Integer> polInUse = new HashSet<>(policyIds.values());
        for (PolicyRuleValue v : rules.applied().values()) for (PolicyPort p : v.ports()) polInUse.add(p.policyId());
        policyIdAllocator.retainOnly(polInUse);
        return new PolicyApplyResult(outcome.writes(), pods.size(), wantedRules.size(), truncated, outcome.errors());
    }

    private int endpointId(PolicyEndpoint ep) {
        Integer id = endpointIds.get(ep.pod());
        if (id != null) return id;
        Optional<Integer> restored = ep.addresses().stream().map(restoredEndpointIds::get).filter(Objects::nonNull)
                .filter(i -> !endpointIds.containsValue(i)).findFirst();
        int fresh = restored.orElseGet(endpointIdAllocator::allocate);
        endpointIdAllocator.reserve(fresh);
        endpointIds.put(ep.pod(), fresh);
        return fresh;
    }

    private int policyId(ObjectRef policy) {
        return policyIds.computeIfAbsent(policy, p -> policyIdAllocator.allocate());
    }
}
