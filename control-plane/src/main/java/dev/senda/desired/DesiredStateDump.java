package dev.senda.desired;

import java.util.Map;

/**
 * A stable text rendering of desired state, for golden tests and debugging:
 *
 * <pre>
 * 10.96.0.10:80/TCP default/web:http
 *   -&gt; 10.244.1.5:8080/TCP ACTIVE
 * 10.96.0.11:80/TCP default/empty affinity ClientIP 10800s
 *   -&gt; (no backends)
 * 192.168.0.10:30080/TCP default/web:http NodePort
 *   -&gt; 10.244.1.5:8080/TCP ACTIVE
 * [fd00:96::a]:80/TCP default/web:http
 *   -&gt; [fd00:10:244::5]:8080/TCP ACTIVE
 * rejected Service default/bad: spec.clusterIP "300.1.1.1" is not an IP address
 * </pre>
 *
 * A frontend's kind follows its Service port unless it is ClusterIP; a frontend with session affinity
 * says so after that ("affinity ClientIP 3s"), one without says nothing; then a restricted one's source
 * ranges ("sourceRanges 203.0.113.0/24,198.51.100.40/32"); then "+internal" on an EXTERNAL frontend
 * with an INTERNAL sibling and "drop-when-empty" on a node-local one that drops (see DesiredFrontend).
 * Frontends in {@link Frontend} order (so IPv4 before IPv6), backends in slot order, rejections in
 * their list order; IPv6 addresses in RFC 5952 form, bracketed before a port; every line ends with '\n'.
 */
public final class DesiredStateDump {
    private DesiredStateDump() {
    }

    public static String render(LbState lb) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Frontend, DesiredFrontend> e : lb.frontends().entrySet()) {
            DesiredFrontend f = e.getValue();
            out.append(e.getKey()).append(' ').append(f.servicePort());
            if (f.kind() != FrontendKind.CLUSTER_IP) out.append(' ').append(f.kind());
            if (f.affinity().enabled()) out.append(" affinity ").append(f.affinity());
            if (!f.sourceRanges().isEmpty()) {
                out.append(" sourceRanges ");
                for (int i = 0; i < f.sourceRanges().size(); i++) out.append(i == 0 ? "" : ",").append(f.sourceRanges().get(i));
            }
            if (f.twoScopes()) out.append(" +internal");
            if (f.dropWhenEmpty()) out.append(" drop-when-empty");
            out.append('\n');
            if (f.backends().isEmpty()) {
                out.append("  -> (no backends)\n");
            }
            for (DesiredBackend b : f.backends()) {
                out.append("  -> ").append(b.address()).append(' ').append(b.state()).append('\n');
            }
        }
        return out.toString();
    }

    public static String render(DesiredState state) {
        StringBuilder out = new StringBuilder(render(state.lb()));
        for (Rejection r : state.rejections()) {
            out.append("rejected ").append(r).append('\n');
        }
        return out.toString();
    }
}
