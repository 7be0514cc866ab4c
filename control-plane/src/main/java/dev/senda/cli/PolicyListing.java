package dev.senda.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.senda.desired.Rejection;
import dev.senda.desired.policy.PolicyExplanation;
import dev.senda.desired.policy.PolicyStateDump;
import dev.senda.desired.policy.PortRange;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code senda policy get}'s output: what is enforced on one pod and why, as a text page or JSON.
 *
 * <p>Text:
 * <pre>
 * pod x/a on node node-a, addresses 10.0.1.1
 * ingress: isolated by x/allow-b (only the peers below are allowed in)
 *   PEER                 ALLOWED                  BY
 *   10.0.1.2/32          TCP 80                   TCP 80 (x/allow-b)
 * egress: not isolated (everything allowed)
 * </pre>
 * PEER is a prefix matched longest-first against the remote address (source of packets in, destination
 * of packets out); ALLOWED is what the datapath holds for it ("deny": an except; no matching peer:
 * denied); BY lists every range before merging with the policy that allowed it.
 */
record PolicyListing(PolicyExplanation explanation) {

    String toTable() {
        PolicyExplanation e = explanation;
        StringBuilder sb = new StringBuilder();
        sb.append("pod ").append(e.pod()).append(" on node ").append(e.nodeName() == null ? "(none)" : e.nodeName())
                .append(", addresses ")
                .append(e.addresses().isEmpty() ? "(none)" : e.addresses().stream().map(Object::toString)
                        .collect(Collectors.joining(" ")))
                .append('\n');
        if (e.notEnforced() != null) {
            sb.append("not enforced: ").append(e.notEnforced()).append('\n');
        }
        for (PolicyExplanation.Direction d : e.directions()) {
            String name = d.direction().name().toLowerCase();
            if (!d.isolated()) {
                sb.append(name).append(": not isolated (everything allowed)\n");
                continue;
            }
            sb.append(name).append(": isolated by ")
                    .append(d.isolatedBy().stream().map(Object::toString).collect(Collectors.joining(", ")))
                    .append(d.entries().isEmpty() ? " (nothing is allowed)\n"
                            : " (only the peers below are allowed " + (name.equals("ingress") ? "in" : "out") + ")\n");
            if (d.entries().isEmpty()) continue;
            sb.append(String.format("  %-24s %-32s %s%n", "PEER", "ALLOWED", "BY"));
            for (PolicyExplanation.Entry entry : d.entries()) {
                String allowed = entry.ports().isEmpty() ? "deny"
                        : entry.ports().stream().map(PortRange::toString).collect(Collectors.joining(", "));
                String by = entry.ports().isEmpty() ? "(an ipBlock except)" : PolicyStateDump.ports(distinct(entry.allowedBy()));
                sb.append(String.format("  %-24s %-32s %s%n", entry.peer(), allowed, by));
            }
        }
        for (Rejection r : e.rejections()) sb.append("rejected ").append(r).append('\n');
        return sb.toString();
    }

    String toJson() {
        PolicyExplanation e = explanation;
        ObjectNode root = Json.object();
        root.put("pod", e.pod().toString());
        if (e.nodeName() == null) root.putNull("node");
        else root.put("node", e.nodeName());
        ArrayNode addresses = root.putArray("addresses");
        e.addresses().forEach(a -> addresses.add(a.toString()));
        root.put("enforced", e.notEnforced() == null);
        if (e.notEnforced() != null) root.put("notEnforcedReason", e.notEnforced());
        for (PolicyExplanation.Direction d : e.directions()) {
            ObjectNode dir = root.putObject(d.direction().name().toLowerCase());
            dir.put("isolated", d.isolated());
            ArrayNode by = dir.putArray("isolatedBy");
            d.isolatedBy().forEach(p -> by.add(p.toString()));
            ArrayNode rules = dir.putArray("rules");
            for (PolicyExplanation.Entry entry : d.entries()) {
                ObjectNode rule = rules.addObject();
                rule.put("peer", entry.peer().toString());
                ranges(rule.putArray("ports"), entry.ports());
                ranges(rule.putArray("allowedBy"), distinct(entry.allowedBy()));
            }
        }
        ArrayNode rejections = root.putArray("rejections");
        for (Rejection r : e.rejections()) {
            rejections.addObject().put("policy", r.object().toString()).put("reason", r.reason());
        }
        return Json.write(root);
    }

    private static void ranges(ArrayNode out, List<PortRange> ranges) {
        for (PortRange r : ranges) {
            out.addObject().put("protocol", r.protocol().name()).put("first", r.first()).put("last", r.last())
                    .put("policy", r.policy().toString());
        }
    }

    /** The same range from the same policy once (a pod reached through two peers of one rule). */
    private static List<PortRange> distinct(List<PortRange> ranges) {
        return List.copyOf(new LinkedHashSet<>(ranges));
    }
}
