package dev.senda.reconcile;

import dev.senda.desired.Cidr;
import dev.senda.desired.policy.PeerRule;
import dev.senda.desired.policy.PolicyEndpoint;
import dev.senda.desired.policy.PolicyProtocol;
import dev.senda.desired.policy.PolicyState;
import dev.senda.desired.policy.PortRange;
import dev.senda.maps.policy.PolicyEndpointKey;
import dev.senda.maps.policy.PolicyEndpointValue;
import dev.senda.maps.policy.PolicyPort;
import dev.senda.maps.policy.PolicyRuleKey;
import dev.senda.maps.policy.PolicyRuleValue;
import dev.senda.maps.policy.PolicyTables;
import dev.senda.maps.policy.RuleDirection;
import dev.senda.maps.table.FamilySplitMap;
import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PolicyState -> policy maps, against in-memory maps. */
class PolicyReconcilerTest {
    static final ObjectRef POD_A = new ObjectRef("x", "a");
    static final ObjectRef POD_B = new ObjectRef("x", "b");
    static final ObjectRef ALLOW_80 = new ObjectRef("x", "allow-80");

    final FamilySplitMap<PolicyEndpointKey, PolicyEndpointValue> endpoints = PolicyTables.ENDPOINTS.inMemory();
    final FamilySplitMap<PolicyRuleKey, PolicyRuleValue> rules = PolicyTables.RULES.inMemory();

    static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    static Cidr cidr(String s) {
        return Cidr.parse(s).orElseThrow();
    }

    /** a: isolated for ingress, TCP 80 from 10.244.1.0/24 and fd00:10:244:1::/64; b: not isolated. */
    static PolicyState state() {
        List<PortRange> tcp80 = List.of(new PortRange(PolicyProtocol.TCP, 80, 80, ALLOW_80));
        PolicyEndpoint a = new PolicyEndpoint(POD_A, List.of(ip("10.244.1.2"), ip("fd00:10:244:1::2")), true, false,
                List.of(new PeerRule(cidr("10.244.1.0/24"), tcp80), new PeerRule(cidr("fd00:10:244:1::/64"), tcp80)),
                List.of());
        PolicyEndpoint b = new PolicyEndpoint(POD_B, List.of(ip("10.244.1.3")), false, false, List.of(), List.of());
        return new PolicyState(List.of(a, b), List.of());
    }

    @Test
    void everyPodGetsAnEndpointPerAddressAndIsolatedDirectionsTheirRules() {
        PolicyReconciler r = new PolicyReconciler(endpoints, rules);
        PolicyApplyResult result = r.apply(state(), true);
        assertTrue(result.ok(), result.summary());
        Map<PolicyEndpointKey, PolicyEndpointValue> eps = endpoints.entries();
        assertEquals(3, eps.size());
        PolicyEndpointValue a4 = eps.get(new PolicyEndpointKey(ip("10.244.1.2")));
        assertEquals(a4, eps.get(new PolicyEndpointKey(ip("fd00:10:244:1::2"))), "one endpoint id per pod");
        assertTrue(a4.isolatedIngress());
        assertFalse(a4.isolatedEgress());
        assertFalse(eps.get(new PolicyEndpointKey(ip("10.244.1.3"))).isolatedIngress());
        int policyId = r.policyNames().entrySet().iterator().next().getKey();
        assertEquals(Map.of(ALLOW_80, policyId), Map.of(r.policyNames().get(policyId), policyId));
        assertEquals(new PolicyRuleValue(List.of(new PolicyPort(6, 80, 80, policyId))),
                rules.entries().get(PolicyRuleKey.of(a4.endpointId(), RuleDirection.INGRESS, ip("10.244.1.0"), 24)));
        assertEquals(2, rules.entries().size());
        assertEquals(0, r.apply(state(), true).writes(), "the same state again writes nothing");
    }

    @Test
    void aRestartedReconcilerKeepsEachPodsEndpointId() {
        new PolicyReconciler(endpoints, rules).apply(state(), true);
        Map<PolicyEndpointKey, PolicyEndpointValue> before = endpoints.entries();
        PolicyReconciler restarted = new PolicyReconciler(endpoints, rules);
        restarted.restore();
        PolicyApplyResult result = restarted.apply(state(), true);
        assertTrue(result.ok());
        assertEquals(before, endpoints.entries());
        assertTrue(result.writes() <= 2, "at most the rule entries (new policy ids) are rewritten: " + result.writes());
    }

    @Test
    void moreThanSixteenRangesAreCutToTheFirstSixteenAndReported() {
        List<PortRange> many = new ArrayList<>();
        for (int p = 1; p <= 20; p++) many.add(new PortRange(PolicyProtocol.UDP, p * 10, p * 10, ALLOW_80));
        PolicyEndpoint a = new PolicyEndpoint(POD_A, List.of(ip("10.244.1.2")), false, true, List.of(),
                List.of(new PeerRule(cidr("0.0.0.0/0"), many)));
        PolicyApplyResult result = new PolicyReconciler(endpoints, rules).apply(new PolicyState(List.of(a), List.of()), true);
        assertEquals(1, result.truncated().size());
        assertTrue(result.truncated().getFirst().toString().contains("x/allow-80"), result.truncated().toString());
        PolicyRuleValue v = rules.entries().values().iterator().next();
        assertEquals(16, v.ports().size());
        assertEquals(160, v.ports().getLast().last());
    }

    @Test
    void aPodThatLeftLosesItsEntriesAndAPodNoLongerIsolatedItsRules() {
        PolicyReconciler r = new PolicyReconciler(endpoints, rules);
        r.apply(state(), true);
        PolicyEndpoint aOpen = new PolicyEndpoint(POD_A, List.of(ip("10.244.1.2")), false, false, List.of(), List.of());
        assertTrue(r.apply(new PolicyState(List.of(aOpen), List.of()), true).ok());
        assertEquals(1, endpoints.entries().size());
        assertFalse(endpoints.entries().values().iterator().next().isolatedIngress());
        assertTrue(rules.entries().isEmpty());
        assertTrue(r.policyNames().isEmpty());
    }

    @Test
    void nothingIsPrunedBeforeTheSourcesSynced() {
        PolicyReconciler r = new PolicyReconciler(endpoints, rules);
        r.apply(state(), true);
        r.apply(PolicyState.EMPTY, false);
        assertEquals(3, endpoints.entries().size());
    }
}
