package dev.senda.desired;

import dev.senda.model.NodeInfo;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.ArrayList;
import java.util.List;

/**
 * Which sources may open flows to a frontend: {@code spec.loadBalancerSourceRanges} as kube-proxy
 * applies them (iptables and nftables modes alike).
 * <ul>
 *   <li>Only LoadBalancer frontends (ingress IPs) are restricted: node ports, external IPs and cluster
 *   IPs of the same Service are not.</li>
 *   <li>Per family: a frontend gets the ranges of its own family. A Service whose ranges are all of
 *   the other family leaves this family's load-balancer IPs unrestricted, as kube-proxy's per-family
 *   proxier sees no range then.</li>
 *   <li>When a range of the family holds this node's primary address of that family, the Service's
 *   load-balancer IPs of the family become ranges too (as /32 or /128): a node that has the IP
 *   locally reaches it with the IP itself as source, and kube-proxy lets that through.</li>
 * </ul>
 * An empty result means "no restriction"; the datapath drops new flows from any other source.
 */
final class SourceRanges {
    private SourceRanges() {
    }

    /**
     * @param service the Service (its validated ranges and load-balancer IPs)
     * @param kind    the frontend's kind
     * @param family  the frontend's family
     * @param node    this node (its primary addresses)
     * @return the ranges, each network once (as first written), in spec order then the load-balancer IPs;
     *         empty for no restriction
     */
    static List<Cidr> of(ParsedService service, FrontendKind kind, IpFamily family, NodeInfo node) {
        if (kind != FrontendKind.LOAD_BALANCER) return List.of();
        List<Cidr> out = new ArrayList<>();
        for (Cidr c : service.external().sourceRanges()) {
            if (c.address().family() == family && out.stream().noneMatch(o -> sameNetwork(o, c))) out.add(c);
        }
        if (out.isEmpty()) return List.of();
        boolean holdsNode = node.primaryAddresses().stream()
                .anyMatch(ip -> ip.family() == family && out.stream().anyMatch(c -> c.contains(ip)));
        if (holdsNode) {
            for (IpAddress ip : service.external().loadBalancerIps()) {
                Cidr host = new Cidr(ip, family.byteLength() * 8);
                if (ip.family() == family && out.stream().noneMatch(o -> sameNetwork(o, host))) out.add(host);
            }
        }
        return List.copyOf(out);
    }

    /** Whether two ranges name the same network (host bits, which a range may carry, aside). */
    private static boolean sameNetwork(Cidr a, Cidr b) {
        return a.bits() == b.bits() && a.contains(b.address());
    }
}
