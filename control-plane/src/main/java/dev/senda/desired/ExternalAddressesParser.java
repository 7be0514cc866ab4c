package dev.senda.desired;

import dev.senda.model.Service;
import dev.senda.model.ServiceLoadBalancer;
import dev.senda.model.ServicePort;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates the external parts of a Service: node ports, load-balancer ingress IPs, external IPs and
 * load-balancer source ranges. Unlike cluster IPs and ports, a bad part here rejects that part only
 * (one reason each, ending in what is left out): the Service's cluster IPs and its other external
 * addresses keep working, because each of these parts is an independent way in.
 *
 * <ul>
 *   <li>Node ports (NodePort and LoadBalancer Services): a missing one, or one outside 1..65535,
 *   leaves that Service port without node-port frontends. A LoadBalancer with
 *   {@code spec.allocateLoadBalancerNodePorts} false gets no node port from the API server, so a
 *   missing one is no problem there; one the caller gave is kept by the API server ("respected,
 *   regardless of this field") and served, as kube-proxy serves every node port a port has. The API's default range is
 *   30000-32767 but clusters change it ({@code --service-node-port-range}), so any port number is
 *   accepted. Two Service ports of one Service on the same node port and protocol: the second one is
 *   left out. Across Services, {@link ConflictResolver} decides.</li>
 *   <li>Ingress IPs (LoadBalancer only): ipMode "VIP" or unset are programmed; "Proxy" means the load
 *   balancer proxies to the node ports itself, so the IP is left alone (as kube-proxy does); any other
 *   mode or a malformed IP is reported and left out; hostname-only entries carry no IP.</li>
 *   <li>External IPs (every type that gets here, so not ExternalName): a malformed one is left out.</li>
 *   <li>An ingress or external IP of a family the Service has no cluster IP of is left out (it would
 *   have no endpoints of its family), as kube-proxy ignores it.</li>
 *   <li>loadBalancerSourceRanges: one entry that is not a CIDR leaves out every load-balancer IP of
 *   the Service, so that an access restriction that cannot be read never silently becomes no
 *   restriction.</li>
 * </ul>
 */
final class ExternalAddressesParser {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalAddressesParser.class);
    private static final String VIP = "VIP";
    private static final String PROXY = "Proxy";

    private ExternalAddressesParser() {
    }

    /**
     * @param ports      the Service's validated ports
     * @param clusterIps its validated cluster IPs (their families bound the external addresses)
     * @param problems   receives one reason per part left out
     */
    static ExternalAddresses parse(Service svc, ServiceType type, List<ParsedPort> ports, List<IpAddress> clusterIps,
                                   List<String> problems) {
        Set<IpFamily> families = new HashSet<>();
        clusterIps.forEach(ip -> families.add(ip.family()));
        ServiceLoadBalancer lb = svc.loadBalancer();
        boolean nodePorts = type == ServiceType.NODE_PORT || type == ServiceType.LOAD_BALANCER;
        boolean allocated = type != ServiceType.LOAD_BALANCER || !Boolean.FALSE.equals(lb.allocateLoadBalancerNodePorts());
        List<Cidr> ranges = type == ServiceType.LOAD_BALANCER ? sourceRanges(lb, problems) : List.of();
        List<IpAddress> lbIps = type != ServiceType.LOAD_BALANCER ? List.of()
                : ranges == null ? List.of() : ingressIps(svc, families, problems);
        return new ExternalAddresses(nodePorts ? nodePorts(svc, ports, allocated, problems) : Map.of(), lbIps,
                externalIps(svc, families, problems), ranges == null ? List.of() : ranges);
    }

    /** @param allocated whether the API server allocates a node port to every port (else a missing one is expected) */
    private static Map<ParsedPort, Integer> nodePorts(Service svc, List<ParsedPort> ports, boolean allocated,
                                                      List<String> problems) {
        Map<ParsedPort, Integer> out = new HashMap<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < svc.ports().size(); i++) {
            ServicePort sp = svc.ports().get(i);
            Optional<ParsedPort> parsed = ports.stream().filter(p -> p.name().equals(sp.name())).findFirst();
            if (parsed.isEmpty()) continue; // the port itself was refused (then the Service is rejected anyway)
            String where = "spec.ports[" + i + "]" + (sp.name().isEmpty() ? "" : " (\"" + sp.name() + "\")");
            Integer np = sp.nodePort();
            if (np == null || (!allocated && np == 0)) {
                if (allocated) problems.add(where + ": no nodePort; this port has no node-port frontends");
            } else if (np < 1 || np > 0xffff) {
                problems.add(where + ": nodePort " + np + " is out of range 1..65535; this port has no node-port frontends");
            } else if (!used.add(np + "/" + parsed.get().proto())) {
                problems.add(where + ": nodePort " + np + "/" + parsed.get().proto()
                        + " is used by another port of this Service; this port has no node-port frontends");
            } else {
                out.put(parsed.get(), np);
            }
        }
        return out;
    }

    /** The source ranges; null when one does not parse (then no load-balancer IP is programmed). */
    private static List<Cidr> sourceRanges(ServiceLoadBalancer lb, List<String> problems) {
        List<Cidr> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < lb.sourceRanges().size(); i++) {
            String text = lb.sourceRanges().get(i).strip();
            Optional<Cidr> c = Cidr.parse(text);
            if (c.isEmpty()) {
                problems.add("spec.loadBalancerSourceRanges[" + i + "] \"" + text
                        + "\" is not a CIDR; no load-balancer IP of this Service is programmed");
                ok = false;
            } else {
                out.add(c.get());
            }
        }
        return ok ? out : null;
    }

    private static List<IpAddress> ingressIps(Service svc, Set<IpFamily> families, List<String> problems) {
        List<IpAddress> out = new ArrayList<>();
        List<ServiceLoadBalancer.Ingress> ingress = svc.loadBalancer().ingress();
        for (int i = 0; i < ingress.size(); i++) {
            ServiceLoadBalancer.Ingress in = ingress.get(i);
            String where = "status.loadBalancer.ingress[" + i + "]";
            if (in.ip() == null || in.ip().isEmpty()) continue; // hostname only: nothing to program
            if (PROXY.equals(in.ipMode())) {
                LOG.debug("Service {}: {} ip {} has ipMode Proxy, left to the load balancer", svc.ref(), where, in.ip());
                continue;
            }
            if (in.ipMode() != null && !in.ipMode().isEmpty() && !VIP.equals(in.ipMode())) {
                problems.add(where + ": ipMode \"" + in.ipMode() + "\" is not VIP or Proxy; that ingress IP is not programmed");
                continue;
            }
            address(where + " ip", in.ip(), families, "that ingress IP is not programmed", problems)
                    .filter(ip -> !out.contains(ip)).ifPresent(out::add);
        }
        return out;
    }

    private static List<IpAddress> externalIps(Service svc, Set<IpFamily> families, List<String> problems) {
        List<IpAddress> out = new ArrayList<>();
        for (int i = 0; i < svc.externalIPs().size(); i++) {
            address("spec.externalIPs[" + i + "]", svc.externalIPs().get(i), families, "that external IP is not programmed",
                    problems).filter(ip -> !out.contains(ip)).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<IpAddress> address(String where, String literal, Set<IpFamily> families, String consequence,
                                               List<String> problems) {
        Optional<IpAddress> ip = IpAddress.parse(literal);
        if (ip.isEmpty()) {
            problems.add(where + " \"" + literal + "\" is not an IP address; " + consequence);
            return Optional.empty();
        }
        if (!families.contains(ip.get().family())) {
            problems.add(where + " " + ip.get() + " is " + ip.get().family() + ", but the Service has no "
                    + ip.get().family() + " cluster IP; " + consequence);
            return Optional.empty();
        }
        return ip;
    }
}
