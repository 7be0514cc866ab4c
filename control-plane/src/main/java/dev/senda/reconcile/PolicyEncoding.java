package dev.senda.reconcile;

import dev.senda.desired.policy.PeerRule;
import dev.senda.desired.policy.PolicyDirection;
import dev.senda.desired.policy.PolicyEndpoint;
import dev.senda.desired.policy.PortRange;
import dev.senda.maps.policy.PolicyEndpointKey;
import dev.senda.maps.policy.PolicyEndpointValue;
import dev.senda.maps.policy.PolicyPort;
import dev.senda.maps.policy.PolicyRuleKey;
import dev.senda.maps.policy.PolicyRuleValue;
import dev.senda.maps.policy.RuleDirection;
import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Desired NetworkPolicy ({@link PolicyEndpoint}) to policy map entries (bpf/lib/abi/policy.h): pure,
 * given the ids. A rule entry holds at most {@link PolicyRuleValue#MAX_PORTS} ranges: the first ones
 * (the compiler's order) are written and the entry is {@linkplain Truncated reported}, so a cut entry
 * allows less than asked, never more.
 */
public final class PolicyEncoding {
    private PolicyEncoding() {
    }

    /** A rule entry that did not fit: its pod, direction, peer, how many ranges it had, the policies involved. */
    public record Truncated(ObjectRef pod, PolicyDirection direction, String peer, int ranges, List<ObjectRef> policies) {
        @Override
        public String toString() {
            return "pod " + pod + " " + direction.name().toLowerCase(java.util.Locale.ROOT) + " peer " + peer + ": "
                    + ranges + " port ranges, the first " + PolicyRuleValue.MAX_PORTS + " written (policies "
                    + policies.stream().map(ObjectRef::toString).distinct().toList() + ")";
        }
    }

    /** The polep entries of one pod: one per address. */
    public static void endpoints(PolicyEndpoint ep, int endpointId, Map<PolicyEndpointKey, PolicyEndpointValue> out) {
        PolicyEndpointValue v = new PolicyEndpointValue(endpointId, ep.isolatedIngress(), ep.isolatedEgress());
        for (IpAddress a : ep.addresses()) out.put(new PolicyEndpointKey(a), v);
    }

    /**
     * The rule entries of one pod, both directions, only where it is isolated (a direction that is not
     * isolated is never looked up). Entries of a family the pod has no address of are written anyway:
     * harmless, and the compiler decides which peers exist.
     */
    public static List<Truncated> rules(PolicyEndpoint ep, int endpointId, ToIntFunction<ObjectRef> policyId,
                                        Map<PolicyRuleKey, PolicyRuleValue> out) {
        List<Truncated> cut = new ArrayList<>();
        for (PolicyDirection d : PolicyDirection.values()) {
            if (!ep.isolated(d)) continue;
            RuleDirection dir = d == PolicyDirection.INGRESS ? RuleDirection.INGRESS : RuleDirection.EGRESS;
            for (PeerRule rule : ep.rules(d)) {
                List<PortRange> ranges = rule.ports();
                if (ranges.size() > PolicyRuleValue.MAX_PORTS) {
                    cut.add(new Truncated(ep.pod(), d, rule.peer().toString(), ranges.size(),
                            ranges.stream().map(PortRange::policy).toList()));
                    ranges = ranges.subList(0, PolicyRuleValue.MAX_PORTS);
                }
                List<PolicyPort> ports = new ArrayList<>(ranges.size());
                for (PortRange r : ranges) {
                    ports.add(new PolicyPort(r.protocol().ipProtocol(), r.first(), r.last(), policyId.applyAsInt(r.policy())));
                }
                out.put(PolicyRuleKey.of(endpointId, dir, rule.peer().address(), rule.peer().bits()), new PolicyRuleValue(ports));
            }
        }
        return cut;
    }
}
