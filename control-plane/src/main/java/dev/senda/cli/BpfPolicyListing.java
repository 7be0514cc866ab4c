package dev.senda.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.senda.maps.policy.PolicyEndpointKey;
import dev.senda.maps.policy.PolicyEndpointValue;
import dev.senda.maps.policy.PolicyPort;
import dev.senda.maps.policy.PolicyRuleKey;
import dev.senda.maps.policy.PolicyRuleValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the NetworkPolicy maps of both families hold ({@code bpf/lib/abi/policy.h}), decoded: the local
 * pods (address -> endpoint id and isolation) and the rule entries (endpoint, direction, peer prefix ->
 * port ranges with the id of the policy that allowed each). Policy ids are the agent's; {@code senda
 * policy get} names the policies.
 */
public record BpfPolicyListing(List<Endpoint> endpoints, List<Rule> rules) {
    /** One polep entry. */
    @JsonPropertyOrder({"address", "endpointId", "isolatedIngress", "isolatedEgress"})
    public record Endpoint(String address, long endpointId, boolean isolatedIngress, boolean isolatedEgress) {
    }

    /** One range of a rule entry; protocol "ANY", "TCP", "UDP", "SCTP" or a number. */
    @JsonPropertyOrder({"protocol", "first", "last", "policyId"})
    public record Port(String protocol, int first, int last, int policyId) {
    }

    /** One polrule entry: no ports = deny (an except). {@code endpointAddresses}: the pod's addresses, if known. */
    @JsonPropertyOrder({"endpointId", "endpointAddresses", "direction", "peer", "ports"})
    public record Rule(long endpointId, List<String> endpointAddresses, String direction, String peer, List<Port> ports) {
    }

    public static BpfPolicyListing of(Map<PolicyEndpointKey, PolicyEndpointValue> endpoints,
                                   Map<PolicyRuleKey, PolicyRuleValue> rules) {
        Map<Integer, List<String>> addressesOf = new TreeMap<>();
        List<Endpoint> eps = new ArrayList<>();
        endpoints.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<PolicyEndpointKey, PolicyEndpointValue> e) -> e.getKey().family())
                        .thenComparing(e -> e.getKey().address()))
                .forEach(e -> {
                    PolicyEndpointValue v = e.getValue();
                    eps.add(new Endpoint(e.getKey().address().toString(), Integer.toUnsignedLong(v.endpointId()),
                            v.isolatedIngress(), v.isolatedEgress()));
                    addressesOf.computeIfAbsent(v.endpointId(), id -> new ArrayList<>()).add(e.getKey().address().toString());
                });
        List<Rule> rs = new ArrayList<>();
        new TreeMap<>(rules).forEach((k, v) -> {
            List<Port> ports = new ArrayList<>();
            for (PolicyPort p : v.ports()) ports.add(new Port(protocol(p.protocol()), p.first(), p.last(), p.policyId()));
            rs.add(new Rule(Integer.toUnsignedLong(k.endpointId()), addressesOf.getOrDefault(k.endpointId(), List.of()),
                    k.direction().label(), k.prefix(), ports));
        });
        return new BpfPolicyListing(eps, rs);
    }

    private static String protocol(int number) {
        return switch (number) {
            case PolicyPort.ANY -> "ANY";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> Integer.toString(number);
        };
    }

    /** Two fixed-width tables: endpoints, then rules. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-40s %-9s %s%n", "ENDPOINT", "ID", "ISOLATED"));
        for (Endpoint e : endpoints) {
            String iso = e.isolatedIngress() && e.isolatedEgress() ? "ingress,egress"
                    : e.isolatedIngress() ? "ingress" : e.isolatedEgress() ? "egress" : "no";
            out.append(String.format("%-40s %-9d %s%n", e.address(), e.endpointId(), iso));
        }
        out.append(String.format("%n%-9s %-8s %-44s %s%n", "ID", "DIR", "PEER", "ALLOWED (policy id)"));
        for (Rule r : rules) {
            String ports = r.ports().isEmpty() ? "deny" : String.join(", ", r.ports().stream().map(p ->
                    ("ANY".equals(p.protocol()) && p.first() == 0 && p.last() == 65535 ? "ANY"
                            : p.protocol() + " " + (p.first() == p.last() ? p.first() : p.first() + "-" + p.last()))
                            + " (" + p.policyId() + ")").toList());
            out.append(String.format("%-9d %-8s %-44s %s%n", r.endpointId(), r.direction(), r.peer(), ports));
        }
        return out.toString();
    }

    /** JSON: {"endpoints": [...], "rules": [...]}, fields in a fixed order. */
    public String toJson() {
        return Json.write(this);
    }
}
