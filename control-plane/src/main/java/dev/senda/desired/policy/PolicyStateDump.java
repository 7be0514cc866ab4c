package dev.senda.desired.policy;

import dev.senda.desired.Rejection;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link PolicyState} as stable text, one line per fact (golden tests, logs at debug):
 * <pre>
 * endpoint x/a 10.0.0.1 fd00::1 ingress=isolated egress=open
 *   ingress 10.0.0.2/32: TCP 80 (x/allow-80), UDP 81 (x/allow-udp)
 *   ingress 10.1.0.0/16: deny
 * rejected NetworkPolicy x/bad: spec.ingress[0].from[0].ipBlock.cidr: invalid CIDR "10.0.0.0/33"
 * </pre>
 * An isolated direction without entries denies everything; "open" allows everything.
 */
public final class PolicyStateDump {
    private PolicyStateDump() {
    }

    public static String render(PolicyState state) {
        StringBuilder sb = new StringBuilder();
        for (PolicyEndpoint e : state.endpoints()) {
            sb.append("endpoint ").append(e.pod());
            e.addresses().forEach(a -> sb.append(' ').append(a));
            sb.append(" ingress=").append(e.isolatedIngress() ? "isolated" : "open");
            sb.append(" egress=").append(e.isolatedEgress() ? "isolated" : "open").append('\n');
            for (PolicyDirection d : PolicyDirection.values()) {
                for (PeerRule r : e.rules(d)) {
                    sb.append("  ").append(d.name().toLowerCase()).append(' ').append(r.peer()).append(": ")
                            .append(ports(r.ports())).append('\n');
                }
            }
        }
        for (Rejection r : state.rejections()) sb.append("rejected ").append(r).append('\n');
        return sb.toString();
    }

    /** "TCP 80 (x/p), UDP 81 (x/q)", or "deny" for none. */
    public static String ports(List<PortRange> ports) {
        if (ports.isEmpty()) return "deny";
        return ports.stream().map(p -> p + " (" + p.policy() + ")").collect(Collectors.joining(", "));
    }
}
