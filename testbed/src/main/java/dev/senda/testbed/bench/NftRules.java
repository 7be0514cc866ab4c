package dev.senda.testbed.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code nft -f} input kube-proxy's nftables mode would write for a {@link BenchServices} set,
 * in its structure (written here from that structure, not from its code): one table
 * {@code ip kube-proxy}, a lookup of (daddr, protocol, dport) in the verdict map
 * {@code service-ips} instead of a linear chain, and per Service a chain that marks traffic from
 * outside the cluster CIDR for masquerading and picks an endpoint chain with
 * {@code numgen random mod N vmap}; each endpoint chain marks hairpin traffic and DNATs.
 *
 * <pre>
 * nat-prerouting (nat, prerouting, dstnat), nat-output (nat, output, -100) -> services
 * services:          ip daddr . meta l4proto . th dport vmap @service-ips
 * service-ips:       VIP . tcp . 80 : goto service-&lt;hash&gt;-bench/svc-NNNNN/tcp/http
 * service-...:       ip daddr VIP tcp dport 80 ip saddr != cluster CIDR jump mark-for-masquerade
 *                    numgen random mod N vmap { 0 : goto endpoint-..., ... }
 * endpoint-...:      ip saddr EP jump mark-for-masquerade; meta l4proto tcp dnat to EP:8080
 * nat-postrouting (nat, postrouting, srcnat) -> masquerading: unmarked return; clear mark; masquerade fully-random
 * filter-forward (filter, forward, -110): ct state new jump service-endpoints-check
 *                    (the lookup in no-endpoint-services, empty here: every Service has endpoints)
 * cluster-ips:       set of every cluster IP (kube-proxy rejects traffic to unknown ports of them)
 * </pre>
 *
 * Written as one transaction of {@code add} commands (chains first, then maps, rules and
 * elements), as kube-proxy's full sync sends it, so forward references resolve.
 */
final class NftRules {
    static final String TABLE = "ip kube-proxy";

    private NftRules() {
    }

    static String render(BenchServices set) {
        List<BenchServices.Service> services = set.all();
        StringBuilder b = new StringBuilder(services.size() * set.endpoints().size() * 400);
        b.append("add table ").append(TABLE).append(" { comment \"rules for kube-proxy\" ; }\n");
        chain(b, "nat-prerouting", "type nat hook prerouting priority dstnat ;");
        chain(b, "nat-output", "type nat hook output priority -100 ;");
        chain(b, "nat-postrouting", "type nat hook postrouting priority srcnat ;");
        chain(b, "filter-forward", "type filter hook forward priority -110 ;");
        for (String c : List.of("services", "masquerading", "mark-for-masquerade", "service-endpoints-check")) chain(b, c, null);
        List<String> serviceChains = new ArrayList<>(services.size());
        for (BenchServices.Service s : services) {
            String sc = ChainNames.nftService(BenchServices.NAMESPACE, s.name(), "tcp", BenchServices.PORT_NAME);
            serviceChains.add(sc);
            chain(b, sc, null);
            for (String ip : set.endpoints()) chain(b, endpointChain(s, ip), null);
        }
        b.append("add map ").append(TABLE).append(" service-ips { type ipv4_addr . inet_proto . inet_service : verdict ;"
                + " comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }\n");
        b.append("add map ").append(TABLE).append(" no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ;"
                + " comment \"vmap to drop or reject packets to services with no endpoints\" ; }\n");
        b.append("add set ").append(TABLE).append(" cluster-ips { type ipv4_addr ; comment \"Active ClusterIPs\" ; }\n");

        rule(b, "nat-prerouting", "jump services");
        rule(b, "nat-output", "jump services");
        rule(b, "nat-postrouting", "jump masquerading");
        rule(b, "filter-forward", "ct state new jump service-endpoints-check");
        rule(b, "service-endpoints-check", "ip daddr . meta l4proto . th dport vmap @no-endpoint-services");
        rule(b, "services", "ip daddr . meta l4proto . th dport vmap @service-ips");
        rule(b, "mark-for-masquerade", "mark set mark or " + IptablesRules.MASQ_MARK);
        rule(b, "masquerading", "mark and " + IptablesRules.MASQ_MARK + " == 0 return");
        rule(b, "masquerading", "mark set mark xor " + IptablesRules.MASQ_MARK);
        rule(b, "masquerading", "masquerade fully-random");

        int n = set.endpoints().size();
        for (int k = 0; k < services.size(); k++) {
            BenchServices.Service s = services.get(k);
            String sc = serviceChains.get(k);
            rule(b, sc, "ip daddr " + s.vip() + " tcp dport " + BenchServices.PORT + " ip saddr != " + BenchServices.CLUSTER_CIDR
                    + " jump mark-for-masquerade");
            StringBuilder vmap = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (i > 0) vmap.append(", ");
                vmap.append(i).append(" : goto ").append(endpointChain(s, set.endpoints().get(i)));
            }
            rule(b, sc, "numgen random mod " + n + " vmap { " + vmap + " }");
            for (String ip : set.endpoints()) {
                String ec = endpointChain(s, ip);
                rule(b, ec, "ip saddr " + ip + " jump mark-for-masquerade");
                rule(b, ec, "meta l4proto tcp dnat to " + ip + ":" + BenchServices.TARGET_PORT);
            }
            b.append("add element ").append(TABLE).append(" cluster-ips { ").append(s.vip()).append(" }\n");
            b.append("add element ").append(TABLE).append(" service-ips { ").append(s.vip()).append(" . tcp . ")
                    .append(BenchServices.PORT).append(" : goto ").append(sc).append(" }\n");
        }
        return b.toString();
    }

    private static String endpointChain(BenchServices.Service s, String ip) {
        return ChainNames.nftEndpoint(BenchServices.NAMESPACE, s.name(), "tcp", BenchServices.PORT_NAME, ip, BenchServices.TARGET_PORT);
    }

    private static void chain(StringBuilder b, String name, String base) {
        b.append("add chain ").append(TABLE).append(' ').append(name);
        if (base != null) b.append(" { ").append(base).append(" }");
        b.append('\n');
    }

    private static void rule(StringBuilder b, String chain, String body) {
        b.append("add rule ").append(TABLE).append(' ').append(chain).append(' ').append(body).append('\n');
    }
}
