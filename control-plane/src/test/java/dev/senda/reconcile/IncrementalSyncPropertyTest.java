package dev.senda.reconcile;

import dev.senda.desired.DesiredState;
import dev.senda.desired.DesiredStateCalculator;
import dev.senda.desired.IncrementalDesiredState;
import dev.senda.desired.NodePortAddresses;
import dev.senda.maps.lb.LbMaps;
import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.Node;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServiceLoadBalancer;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.model.Snapshot;
import dev.senda.source.Kinds;
import dev.senda.source.ObjectStore;
import dev.senda.source.ServiceChanges;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental syncs ({@link IncrementalDesiredState#update} + {@link LbReconciler#applyChanges}) against
 * full ones ({@link DesiredStateCalculator#calculate} + {@link LbReconciler#apply}) over random sequences of
 * changes: Services added, changed (type, ports, node ports, cluster IPs from a small pool so they
 * conflict, load-balancer IPs that are also pod addresses, Local policies with health checks) and
 * deleted; slices added, moved between Services, endpoints flipping ready and terminating; now and then
 * a Node change. After every step the two sides' maps hold exactly the same entries (ids included), and
 * their rejections and health checks are equal.
 */
class IncrementalSyncPropertyTest {
    private static final String NODE = "n1";
    private static final List<String> CLUSTER_IPS = List.of("10.96.0.1", "10.96.0.2", "10.96.0.3", "10.96.0.4",
            "10.96.0.5", "10.96.0.6", "10.96.0.7", "10.96.0.8");
    private static final List<String> POD_IPS = List.of("10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5");
    private static final List<String> POD_IPS6 = List.of("fd00:1::1", "fd00:1::2", "fd00:1::3");

    @Test
    void incrementalSyncsWriteWhatFullSyncsWrite() {
        int incremental = 0;
        int steps = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            Sides sides = new Sides();
            sides.store.put(Kinds.NODE, node(rnd));
            sides.sync(seed, -1);
            for (int step = 0; step < 60; step++) {
                int changes = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 4 : 1);
                for (int c = 0; c < changes; c++) mutate(sides.store, rnd);
                if (sides.sync(seed, step)) incremental++;
                steps++;
            }
        }
        System.out.printf("incremental sync property: %d of %d steps incremental%n", incremental, steps);
        assertTrue(incremental > steps / 2, "the incremental path must be exercised: " + incremental + " of " + steps);
    }

    /** The same store synced both ways into two sets of in-memory maps. */
    private static final class Sides {
        final ObjectStore store = new ObjectStore();
        final DesiredStateCalculator calculator = new DesiredStateCalculator(NodePortAddresses.PRIMARY);
        final IncrementalDesiredState inc = calculator.incremental();
        final LbMaps incMaps = LbMaps.inMemory();
        final LbMaps fullMaps = LbMaps.inMemory();
        final LbReconciler incReconciler = new LbReconciler(incMaps);
        final LbReconciler fullReconciler = new LbReconciler(fullMaps);

        /** @return whether the incremental side went incremental */
        boolean sync(long seed, int step) {
            ServiceChanges changes = store.takeChanges();
            Snapshot snapshot = store.snapshot();
            NodeInfo node = NodeInfo.of(NODE, snapshot.all(Kinds.NODE).get(new ObjectRef("", NODE)));
            DesiredState full = calculator.calculate(snapshot, node);
            fullReconciler.apply(full.lb(), true);

            Optional<IncrementalDesiredState.Result> r = inc.update(changes);
            boolean incremental = r.isPresent() && incReconciler.canApplyChanges();
            if (r.isEmpty()) r = Optional.of(inc.full(snapshot, node));
            if (incremental) incReconciler.applyChanges(r.get().changes());
            else incReconciler.apply(inc.lbState(), true);

            String where = "seed " + seed + " step " + step + (incremental ? " (incremental)" : " (full)");
            assertEquals(full.lb(), inc.lbState(), where + ": frontends");
            assertEquals(full.rejections(), r.get().rejections(), where + ": rejections");
            assertEquals(full.healthChecks(), r.get().healthChecks(), where + ": health checks");
            assertEquals(fullMaps.services().entries(), incMaps.services().entries(), where + ": service map");
            assertEquals(fullMaps.backends().entries(), incMaps.backends().entries(), where + ": backend map");
            assertEquals(fullMaps.revNats().entries(), incMaps.revNats().entries(), where + ": reverse NAT map");
            assertEquals(fullMaps.sourceRanges().entries(), incMaps.sourceRanges().entries(), where + ": source ranges");
            assertEquals(fullReconciler.entriesPerMap(), incReconciler.entriesPerMap(), where + ": entries per map");
            return incremental;
        }
    }

    private static void mutate(ObjectStore store, Random rnd) {
        int what = rnd.nextInt(20);
        String name = "s" + rnd.nextInt(7);
        String ns = rnd.nextBoolean() ? "a" : "b";
        ObjectRef ref = new ObjectRef(ns, name);
        if (what < 6) {
            store.put(Kinds.SERVICE, service(ref, rnd));
        } else if (what < 8) {
            store.remove(Kinds.SERVICE, ref);
        } else if (what < 17) {
            store.put(Kinds.ENDPOINT_SLICE, slice(ns, rnd));
        } else if (what < 19) {
            store.remove(Kinds.ENDPOINT_SLICE, new ObjectRef(ns, "slice-" + rnd.nextInt(10)));
        } else {
            store.put(Kinds.NODE, node(rnd));
        }
    }

    private static Node node(Random rnd) {
        List<Node.Address> addresses = new ArrayList<>();
        addresses.add(new Node.Address(Node.Address.INTERNAL_IP, "192.168.0." + (1 + rnd.nextInt(2))));
        if (rnd.nextBoolean()) addresses.add(new Node.Address(Node.Address.INTERNAL_IP, "fd00:192::1"));
        return new Node(new ObjectRef("", NODE), Map.of(Node.ZONE_LABEL, "z1"), addresses, false, List.of(), null);
    }

    private static Service service(ObjectRef ref, Random rnd) {
        String type = switch (rnd.nextInt(6)) {
            case 0, 1, 2 -> "ClusterIP";
            case 3 -> "NodePort";
            case 4 -> "LoadBalancer";
            default -> rnd.nextInt(4) == 0 ? "ExternalName" : "ClusterIP";
        };
        List<String> clusterIps = new ArrayList<>();
        clusterIps.add(pick(rnd, CLUSTER_IPS));
        List<String> families = new ArrayList<>(List.of("IPv4"));
        if (rnd.nextInt(3) == 0) {
            clusterIps.add("fd00:96::" + (1 + rnd.nextInt(6)));
            families.add("IPv6");
        }
        List<ServicePort> ports = new ArrayList<>();
        boolean nodePorts = !type.equals("ClusterIP") && !type.equals("ExternalName");
        ports.add(new ServicePort("http", rnd.nextInt(4) == 0 ? "UDP" : "TCP", rnd.nextBoolean() ? 80 : 81, null,
                nodePorts ? 30000 + rnd.nextInt(4) : null));
        if (rnd.nextInt(3) == 0) ports.add(new ServicePort("https", "TCP", 443, null, nodePorts ? 30010 + rnd.nextInt(2) : null));
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

    private static EndpointSlice slice(String ns, Random rnd) {
        String service = "s" + rnd.nextInt(7);
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
        return new EndpointSlice(new ObjectRef(ns, "slice-" + rnd.nextInt(10)),
                labeled ? Map.of(EndpointSlice.SERVICE_NAME_LABEL, service) : Map.of(), labeled ? service : null,
                v6 ? "IPv6" : "IPv4", ports, endpoints);
    }

    private static String pick(Random rnd, List<String> from) {
        return from.get(rnd.nextInt(from.size()));
    }
}
