package dev.senda.desired;

import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Which Services get a health-check node port server, kube-proxy's rule: type LoadBalancer with
 * {@code externalTrafficPolicy: Local} (NodePort Services and Cluster policy get none, whatever
 * {@code spec.healthCheckNodePort} says). A missing or out-of-range port, or one another Service
 * already has, is a {@link Rejection} of that Service's health check only; the rest of the Service is
 * programmed.
 */
final class HealthCheckPorts {
    private HealthCheckPorts() {
    }

    /**
     * @param accepted   Services after conflict resolution, in precedence order (the first one
     *                   naming a port keeps it)
     * @param healthCheckNodePort each Service's {@code spec.healthCheckNodePort} as given (null: unset)
     * @param rejections where refusals go
     */
    static List<HealthCheckServer> of(List<ParsedService> accepted, Function<ObjectRef, Integer> healthCheckNodePort,
                                      ServiceEndpoints endpoints, NodeInfo node, List<Rejection> rejections) {
        return of(accepted, healthCheckNodePort, svc -> localReady(svc, endpoints, node), rejections);
    }

    /** Whether {@code svc} gets a health-check node port server, if its port is usable. */
    static boolean wanted(ParsedService svc) {
        return svc.type() == ServiceType.LOAD_BALANCER && svc.trafficPolicies().externalLocal();
    }

    /**
     * As the other {@code of}, with each Service's local ready endpoint counts given by
     * {@code localReady} (asked only for Services that get a server): the incremental calculation
     * passes counts it computed when the Service last changed.
     */
    static List<HealthCheckServer> of(List<ParsedService> accepted, Function<ObjectRef, Integer> healthCheckNodePort,
                                      Function<ParsedService, Map<IpFamily, Integer>> localReady,
                                      List<Rejection> rejections) {
        TreeMap<Integer, HealthCheckServer> out = new TreeMap<>();
        for (ParsedService svc : accepted) {
            if (!wanted(svc)) continue;
            Integer port = healthCheckNodePort.apply(svc.ref());
            String consequence = "; no health check node port is served for it";
            if (port == null || port == 0) {
                rejections.add(new Rejection(Rejection.SERVICE, svc.ref(),
                        "spec.healthCheckNodePort is not set although externalTrafficPolicy is Local" + consequence));
            } else if (port < 1 || port > 0xffff) {
                rejections.add(new Rejection(Rejection.SERVICE, svc.ref(),
                        "spec.healthCheckNodePort " + port + " is out of range 1..65535" + consequence));
            } else if (out.containsKey(port)) {
                rejections.add(new Rejection(Rejection.SERVICE, svc.ref(), "spec.healthCheckNodePort " + port
                        + " is already used by Service " + out.get(port).service() + consequence));
            } else {
                out.put(port, new HealthCheckServer(svc.ref(), port, localReady.apply(svc)));
            }
        }
        return List.copyOf(out.values());
    }

    /** Per family of the Service: its ready endpoints on this node, each address once over all ports. */
    static Map<IpFamily, Integer> localReady(ParsedService svc, ServiceEndpoints endpoints, NodeInfo node) {
        Map<IpFamily, Integer> out = new EnumMap<>(IpFamily.class);
        for (IpAddress clusterIp : svc.clusterIps()) {
            IpFamily family = clusterIp.family();
            Set<IpAddress> addresses = new HashSet<>();
            for (ParsedPort port : svc.ports()) {
                for (PortEndpoint e : endpoints.of(svc.ref(), port, family)) {
                    if (e.readiness().ready() && node.nodeName().equals(e.nodeName())) addresses.add(e.address().address());
                }
            }
            out.put(family, addresses.size());
        }
        return out;
    }
}
