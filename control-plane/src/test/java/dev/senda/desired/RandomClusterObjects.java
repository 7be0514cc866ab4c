package dev.senda.desired;

import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.Node;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServiceLoadBalancer;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random Services, EndpointSlices and the node, drawn from small pools so that they collide the way a
 * desired-state calculation must handle: cluster IPs and node ports shared (conflicts), load-balancer IPs
 * that are also pod addresses (reserved), Local policies with health checks, dual stack, ExternalName,
 * unlabeled slices, endpoints ready, terminating or neither, on this node or another. Cluster IPs and
 * node ports come from pools that grow with the number of Service names; external IPs, load-balancer
 * ingress addresses and pod addresses from fixed small ones, so a large store has more of those
 * collisions, in share, than a small one.
 *
 * @param services how many Service names per namespace ({@code s0}, {@code s1}, ...; namespaces a and b)
 * @param slices   how many slice names per namespace
 */
public record RandomClusterObjects(int services, int slices) {
    public static final String NODE = "n1";
    private static final List<String> POD_IPS = List.of("10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5");
    private static final List<String> POD_IPS6 = List.of("fd00:1::1", "fd00:1::2", "fd00:1::3");

    /** Adds, changes or removes one random object of {@code store}. */
    public void mutate(ObjectStore store, Random rnd) {
        int what = rnd.nextInt(20);
        String name = "s" + rnd.nextInt(services);
        String ns = rnd.nextBoolean() ? "a" : "b";
        ObjectRef ref = new ObjectRef(ns, name);
        if (what < 6) {
            store.put(Kinds.SERVICE, service(ref, rnd));
        } else if (what < 8) {
            store.remove(Kinds.SERVICE, ref);
        } else if (what < 17) {
            store.put(Kinds.ENDPOINT_SLICE, slice(ns, rnd));
        } else if (what < 19) {
            store.remove(Kinds.ENDPOINT_SLICE, new ObjectRef(ns, "slice-" + rnd.nextInt(slices)));
        } else {
            store.put(Kinds.NODE, node(rnd));
        }
    }

    /** This test node ({@link #NODE}), with one or two addresses. */
    public Node node(Random rnd) {
        List<Node.Address> addresses = new ArrayList<>();
        addresses.add(new Node.Address(Node.Address.INTERNAL_IP, "192.168.0." + (1 + rnd.nextInt(2))));
        if (rnd.nextBoolean()) addresses.add(new Node.Address(Node.Address.INTERNAL_IP, "fd00:192::1"));
        return new Node(new ObjectRef("", NODE), Map.of(Node.ZONE_LABEL, "z1"), addresses, false, List.of(), null);
    }

    /** A Service of a random type named {@code ref}; its cluster IPs come from a pool of about services + 1. */
    public Service service(ObjectRef ref, Random rnd) {
        String type = switch (rnd.nextInt(6)) {
            case 0, 1, 2 -> "ClusterIP";
            case 3 -> "NodePort";
            case 4 -> "LoadBalancer";
            default -> rnd.nextInt(4) == 0 ? "ExternalName" : "ClusterIP";
        };
        List<String> clusterIps = new ArrayList<>();
        int ip = rnd.nextInt(services + 1);
        clusterIps.add("10.96." + ip / 250 + "." + (1 + ip % 250));
        List<String> families = new ArrayList<>(List.of("IPv4"));
        if (rnd.nextInt(3) == 0) {
            clusterIps.add("fd00:96::" + Integer.toHexString(1 + rnd.nextInt(services - 1)));
            families.add("IPv6");
        }
        List<ServicePort> ports = new ArrayList<>();
        boolean nodePorts = !type.equals("ClusterIP") && !type.equals("ExternalName");
        int nodePortPool = Math.max(1, services / 2);
        ports.add(new ServicePort("http", rnd.nextInt(4) == 0 ? "UDP" : "TCP", rnd.nextBoolean() ? 80 : 81, null,
                nodePorts ? 30000 + rnd.nextInt(Math.max(4, nodePortPool)) : null));
        if (rnd.nextInt(3) == 0) ports.add(new ServicePort("https", "TCP", 443, null, nodePorts ? 31000 + rnd.nextInt(Math.max(2, nodePortPool / 2)) : null));
        boolean local = rnd.nextInt(3) == 0;
        ServiceLoadBalancer lb = ServiceLoadBalancer.NONE;
        if (type.equals("LoadBalancer")) {
            String ingress = rnd.nextBoolean() ? pick(rnd, POD_IPS) : "172.16.0." + (1 + rnd.nextInt(3));
            lb = new ServiceLoadBalancer(List.of(new ServiceLoadBalancer.Ingress(ingress, null, null)), null,
                    rnd.nextInt(4) == 0 ? null : 32000 + rnd.nextInt(3), rnd.nextInt(4) == 0 ? List.of("10.0.0.0/8") : List.of());
        }
        List<String> externalIps = rnd.nextInt(5) == 0 ? List.of("172.17.0." + (1 + rnd.nextInt(2))) : List.of();
        Instant created = rnd.nextInt(4) == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + rnd.nextInt(5));
        return new Service(ref, Map.of(), created, type, type.equals("ExternalName") ? null : clusterIps.getFirst(),
                type.equals("ExternalName") ? List.of() : clusterIps, type.equals("ExternalName") ? List.of() : families,
                families.size() > 1 ? "RequireDualStack" : null, externalIps,
                type.equals("ExternalName") ? "example.com" : null, ports,
                rnd.nextInt(5) == 0 ? "ClientIP" : null, rnd.nextInt(4) == 0 ? "Local" : null, local ? "Local" : null, lb);
    }

    /** A slice in {@code ns} of a random Service (or none: 1 in 25 is unlabeled), with 0-3 endpoints. */
    public EndpointSlice slice(String ns, Random rnd) {
        String service = "s" + rnd.nextInt(services);
        boolean v6 = rnd.nextInt(4) == 0;
        List<Endpoint> endpoints = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            String ip = v6 ? pick(rnd, POD_IPS6) : pick(rnd, POD_IPS);
            EndpointConditions c = switch (rnd.nextInt(4)) {
                case 0 -> new EndpointConditions(false, true, true);
                case 1 -> new EndpointConditions(false, false, false);
                default -> new EndpointConditions(true, true, false);
            };
            endpoints.add(new Endpoint(List.of(ip), c, rnd.nextBoolean() ? NODE : "n2", "z1", null));
        }
        int port = rnd.nextInt(3) == 0 ? 9090 : 8080;
        List<SlicePort> ports = List.of(new SlicePort("http", rnd.nextInt(4) == 0 ? "UDP" : "TCP", port, null),
                new SlicePort("https", "TCP", 8443, null));
        boolean labeled = rnd.nextInt(25) != 0;
        return new EndpointSlice(new ObjectRef(ns, "slice-" + rnd.nextInt(slices)),
                labeled ? Map.of(EndpointSlice.SERVICE_NAME_LABEL, service) : Map.of(), labeled ? service : null,
                v6 ? "IPv6" : "IPv4", ports, endpoints);
    }

    private static String pick(Random rnd, List<String> from) {
        return from.get(rnd.nextInt(from.size()));
    }
}
