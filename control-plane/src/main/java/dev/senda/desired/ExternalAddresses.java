package dev.senda.desired;

import dev.senda.net.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The validated addresses a Service answers on besides its cluster IPs: what the NodePort,
 * LoadBalancer and externalIPs expanders read. Built by {@link ExternalAddressesParser}; every part
 * that did not validate is already left out (and reported).
 *
 * @param nodePorts       the node port of each Service port that has a usable one (only for
 *                        NodePort and LoadBalancer Services that get node ports)
 * @param loadBalancerIps status.loadBalancer.ingress[].ip of ipMode VIP or unset, each once, in
 *                        status order; only for LoadBalancer Services
 * @param externalIps     spec.externalIPs, each once, in spec order
 * @param sourceRanges    spec.loadBalancerSourceRanges, both families ({@link SourceRanges} applies them)
 */
record ExternalAddresses(Map<ParsedPort, Integer> nodePorts, List<IpAddress> loadBalancerIps,
                         List<IpAddress> externalIps, List<Cidr> sourceRanges) {
    static final ExternalAddresses NONE = new ExternalAddresses(Map.of(), List.of(), List.of(), List.of());

    ExternalAddresses {
        nodePorts = Map.copyOf(nodePorts);
        loadBalancerIps = List.copyOf(loadBalancerIps);
        externalIps = List.copyOf(externalIps);
        sourceRanges = List.copyOf(sourceRanges);
    }

    /**
     * The same without load-balancer IPs that are in {@code reserved} (a node's or a pod's address:
     * a frontend there would capture that node's or pod's own traffic on the Service port).
     *
     * @param problems receives one reason per IP left out
     */
    ExternalAddresses withoutReserved(Set<IpAddress> reserved, Consumer<String> problems) {
        if (loadBalancerIps.stream().noneMatch(reserved::contains)) return this;
        List<IpAddress> kept = new ArrayList<>();
        for (IpAddress ip : loadBalancerIps) {
            if (reserved.contains(ip)) {
                problems.accept("status.loadBalancer.ingress ip " + ip
                        + " is a node or pod address; that ingress IP is not programmed");
            } else {
                kept.add(ip);
            }
        }
        return new ExternalAddresses(nodePorts, kept, externalIps, sourceRanges);
    }
}
