package dev.senda.testbed.bench;

import java.util.List;
import java.util.Locale;

/**
 * The iptables-restore input kube-proxy's iptables mode would write for a {@link BenchServices}
 * set, in its structure (written here from that structure, not from its code):
 *
 * <pre>
 * nat:    PREROUTING, OUTPUT -> KUBE-SERVICES        (one rule per service port, in order: a linear walk)
 *         KUBE-SERVICES: -d VIP -p tcp --dport 80 -> KUBE-SVC-&lt;hash&gt;   ... last: addrtype LOCAL -> KUBE-NODEPORTS
 *         KUBE-SVC-&lt;hash&gt;: ! -s cluster CIDR -> KUBE-MARK-MASQ;
 *                          endpoint i of n: -m statistic --mode random --probability 1/(n-i) -> KUBE-SEP-&lt;hash&gt;
 *                          (the last one unconditional)
 *         KUBE-SEP-&lt;hash&gt;: -s endpoint -> KUBE-MARK-MASQ (hairpin); -p tcp -> DNAT --to-destination ip:port
 *         KUBE-MARK-MASQ: MARK --or-mark 0x4000
 *         POSTROUTING -> KUBE-POSTROUTING: unmarked RETURN; MARK --xor-mark 0x4000; MASQUERADE --random-fully
 * filter: FORWARD -> KUBE-FORWARD (INVALID drop, marked and established accept);
 *         FORWARD, OUTPUT ctstate NEW -> KUBE-SERVICES (empty: only Services without endpoints have rules there)
 * </pre>
 *
 * Loaded with one {@code iptables-restore} (full tables, as kube-proxy's full sync does); comments
 * are kept, as kube-proxy writes them, since they are part of what the kernel stores and matches past.
 */
final class IptablesRules {
    static final String MASQ_MARK = "0x4000";

    private IptablesRules() {
    }

    static String render(BenchServices set) {
        List<BenchServices.Service> services = set.all();
        StringBuilder b = new StringBuilder(services.size() * set.endpoints().size() * 260);
        b.append("*filter\n");
        b.append(":KUBE-SERVICES - [0:0]\n:KUBE-FORWARD - [0:0]\n:KUBE-NODEPORTS - [0:0]\n");
        b.append("-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n");
        b.append("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        b.append("-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        b.append("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n");
        b.append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark " + MASQ_MARK + "/" + MASQ_MARK
                + " -j ACCEPT\n");
        b.append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
        b.append("COMMIT\n");

        b.append("*nat\n");
        b.append(":KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n");
        for (BenchServices.Service s : services) {
            b.append(':').append(ChainNames.iptablesService(s.portName(), "tcp")).append(" - [0:0]\n");
            for (String ep : set.endpoints()) {
                b.append(':').append(ChainNames.iptablesEndpoint(s.portName(), "tcp", endpoint(ep))).append(" - [0:0]\n");
            }
        }
        b.append("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        b.append("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        b.append("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n");
        b.append("-A KUBE-POSTROUTING -m mark ! --mark " + MASQ_MARK + "/" + MASQ_MARK + " -j RETURN\n");
        b.append("-A KUBE-POSTROUTING -j MARK --xor-mark " + MASQ_MARK + "\n");
        b.append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n");
        b.append("-A KUBE-MARK-MASQ -j MARK --or-mark " + MASQ_MARK + "\n");
        for (BenchServices.Service s : services) {
            String svcChain = ChainNames.iptablesService(s.portName(), "tcp");
            String match = "-d " + s.vip() + "/32 -p tcp -m tcp --dport " + BenchServices.PORT;
            b.append("-A KUBE-SERVICES -m comment --comment \"").append(s.portName()).append(" cluster IP\" ").append(match)
                    .append(" -j ").append(svcChain).append('\n');
            b.append("-A ").append(svcChain).append(" -m comment --comment \"").append(s.portName()).append(" cluster IP\" ! -s ")
                    .append(BenchServices.CLUSTER_CIDR).append(' ').append(match).append(" -j KUBE-MARK-MASQ\n");
            int n = set.endpoints().size();
            for (int i = 0; i < n; i++) {
                String ep = endpoint(set.endpoints().get(i));
                b.append("-A ").append(svcChain).append(" -m comment --comment \"").append(s.portName()).append(" -> ").append(ep).append('"');
                if (i < n - 1) {
                    b.append(" -m statistic --mode random --probability ").append(String.format(Locale.ROOT, "%.10f", 1.0 / (n - i)));
                }
                b.append(" -j ").append(ChainNames.iptablesEndpoint(s.portName(), "tcp", ep)).append('\n');
            }
            for (String ip : set.endpoints()) {
                String sep = ChainNames.iptablesEndpoint(s.portName(), "tcp", endpoint(ip));
                b.append("-A ").append(sep).append(" -m comment --comment ").append(s.portName()).append(" -s ").append(ip)
                        .append("/32 -j KUBE-MARK-MASQ\n");
                b.append("-A ").append(sep).append(" -m comment --comment ").append(s.portName())
                        .append(" -p tcp -m tcp -j DNAT --to-destination ").append(endpoint(ip)).append('\n');
            }
        }
        b.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\""
                + " -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
        b.append("COMMIT\n");
        return b.toString();
    }

    private static String endpoint(String ip) {
        return ip + ":" + BenchServices.TARGET_PORT;
    }
}
