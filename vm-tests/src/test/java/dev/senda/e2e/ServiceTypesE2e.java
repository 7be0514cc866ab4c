package dev.senda.e2e;

import dev.senda.cli.LbListing;
import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Cluster;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.senda.e2e.AgentNodeE2e.CONVERGE;
import static dev.senda.e2e.AgentNodeE2e.echoPorts;
import static dev.senda.e2e.AgentNodeE2e.names;
import static dev.senda.e2e.KubeObjects.dualStackService;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.withNodePort;
import static dev.senda.e2e.KubeObjects.withSessionAffinity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Service types and Service changes on the two-node cluster, named after the Kubernetes e2e tests
 * ({@code test/e2e/network/service.go}, {@code loadbalancer.go}): the four ExternalName type changes,
 * a LoadBalancer without node ports, external IPs, session affinity on a node port, a recreated
 * Service, TCP and UDP on one port (cluster IP and node port). Both agents run with
 * {@code --node-devices eth0}; subclasses choose the datapath. Every Service is dual-stack and every
 * check runs for both families. The agents share one cluster for all scenarios (each scenario's
 * objects are deleted after it), which keeps the class to one cluster start per datapath.
 *
 * <p>Outside traffic (the external client, to node-1's address or to an address of the
 * LoadBalancer range, which the client routes through node-1) only ever meets endpoints on node-1:
 * an endpoint on the other node would need source NAT (externalTrafficPolicy Cluster), which is not
 * built yet. Pods reach the Services from both nodes, node ports on their own node's address, as
 * upstream's exec pod does. Upstream checks the ExternalName cases through DNS, which this testbed
 * has none of: here they check that nothing is programmed instead (the maps, read in this JVM, and
 * connections to the old addresses).
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServiceTypesE2e extends NodeDevicesClusterE2e {
    /** Requests per affinity check: all on one of four pods by chance has p = 4^-11. */
    private static final int AFFINITY_BATCH = 12;
    /**
     * The timeout scenario's timeoutSeconds: the API's smallest (upstream uses 10 s; shorter keeps the
     * run short), and an idle period that outlasts it on the datapath's whole-second clock (an entry
     * is fresh while now - last_used <= timeout, both in whole seconds).
     */
    private static final int AFFINITY_TIMEOUT = 1;
    private static final Duration AFFINITY_IDLE = Duration.ofMillis(2500);
    /** How long a request to an address that should answer at once may take before it is tried afresh. */
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(300);

    Traffic traffic;
    /** The node port every Service of this class uses (one at a time: each scenario's objects are deleted after it). */
    private final int nodePort = 30000 + new SecureRandom().nextInt(2700);
    private final AtomicInteger nextLbHost = new AtomicInteger(1);


    @BeforeAll
    void createTraffic() {
        traffic = new Traffic(c.cluster, socketLb());
    }

    // ------------------------------------------------------------------ ExternalName

    @Test
    @DisplayName("should be able to change the type from ExternalName to ClusterIP")
    void shouldBeAbleToChangeTheTypeFromExternalNameToClusterIp() throws IOException {
        String name = "externalname-service";
        c.apply(ServiceTypeObjects.externalName(name, http(), udp()));
        slices(name, c.echo1a, c.echo1b);
        assertExternalNameProgramsNothing(name);

        List<String> vips = vips();
        c.apply(echoService(name, vips));
        for (String vip : vips) {
            for (Pod client : List.of(c.client1, c.client2)) awaitServed(Proto.TCP, client, vip, 80, c.echo1a, c.echo1b);
        }
        assertProgrammed(vips, "ClusterIP");
    }

    @Test
    @DisplayName("should be able to change the type from ExternalName to NodePort")
    void shouldBeAbleToChangeTheTypeFromExternalNameToNodePort() throws IOException {
        String name = "externalname-service";
        c.apply(ServiceTypeObjects.externalName(name, http(), udp()));
        slices(name, c.echo1a, c.echo1b);
        assertExternalNameProgramsNothing(name);

        List<String> vips = vips();
        c.apply(withNodePort(echoService(name, vips), nodePort));
        for (IpFamily f : IpFamily.values()) {
            String vip = vips.get(f.ordinal());
            for (Pod client : List.of(c.client1, c.client2)) awaitServed(Proto.TCP, client, vip, 80, c.echo1a, c.echo1b);
            awaitNodePortServed(f);
        }
        assertNodePortsProgrammed();
    }

    @Test
    @DisplayName("should be able to change the type from ClusterIP to ExternalName")
    void shouldBeAbleToChangeTheTypeFromClusterIpToExternalName() throws IOException {
        String name = "clusterip-service";
        List<String> vips = vips();
        c.apply(echoService(name, vips));
        slices(name, c.echo1a, c.echo1b);
        for (String vip : vips) awaitServed(Proto.TCP, c.client1, vip, 80, c.echo1a, c.echo1b);

        c.apply(ServiceTypeObjects.externalName(name, http(), udp()));
        awaitUnprogrammed(Set.copyOf(vips));
        // nothing answers on the old cluster IPs any more (how it fails depends on the pod's routes: any failure will do)
        for (String vip : vips) awaitNotAnswered(c.client1, vip);
    }

    @Test
    @DisplayName("should be able to change the type from NodePort to ExternalName")
    void shouldBeAbleToChangeTheTypeFromNodePortToExternalName() throws IOException {
        String name = "nodeport-service";
        List<String> vips = vips();
        c.apply(withNodePort(echoService(name, vips), nodePort));
        slices(name, c.echo1a, c.echo1b);
        for (IpFamily f : IpFamily.values()) awaitNodePortServed(f);

        c.apply(ServiceTypeObjects.externalName(name, http(), udp()));
        Set<String> gone = new HashSet<>(vips);
        gone.addAll(nodeIps(c.node1));
        gone.addAll(nodeIps(c.node2));
        awaitUnprogrammed(gone);
        for (IpFamily f : IpFamily.values()) {
            for (Proto proto : Proto.values()) awaitNodePortRefused(proto, f);
            awaitNotAnswered(c.client1, vips.get(f.ordinal()));
        }
    }

    // ------------------------------------------------------------------ LoadBalancer, external IPs

    @Test
    @DisplayName("should be able to create LoadBalancer Service without NodePort and change it")
    void shouldBeAbleToCreateLoadBalancerServiceWithoutNodePortAndChangeIt() throws IOException {
        String name = "reallocate-nodeport-test";
        List<String> vips = vips();
        Service clusterIp = echoService(name, vips);
        c.apply(clusterIp);
        slices(name, c.echo1a, c.echo1b);
        for (String vip : vips) awaitServed(Proto.TCP, c.client1, vip, 80, c.echo1a, c.echo1b);

        List<String> ingress = List.of(lbIp(IpFamily.IPV4), lbIp(IpFamily.IPV6));
        c.apply(ServiceTypeObjects.withLoadBalancer(clusterIp, false, ingress));
        for (IpFamily f : IpFamily.values()) awaitLoadBalancerServed(ingress.get(f.ordinal()), f);
        assertProgrammed(ingress, "LoadBalancer");
        // no node port anywhere: neither in the maps nor on the wire
        for (Testbed node : c.cluster.nodes()) {
            List<LbListing.Row> nodePorts = ProgrammedFrontends.of(c, node).stream()
                    .filter(r -> r.type().equals("NodePort")).toList();
            assertEquals(List.of(), nodePorts, "node ports on " + node.nodeName() + " with allocateLoadBalancerNodePorts false");
        }
        for (IpFamily f : IpFamily.values()) awaitNodePortRefused(Proto.TCP, f);

        c.apply(ServiceTypeObjects.withLoadBalancer(withNodePort(clusterIp, nodePort), true, ingress));
        for (IpFamily f : IpFamily.values()) {
            awaitNodePortServed(f);
            awaitLoadBalancerServed(ingress.get(f.ordinal()), f);
        }
        assertNodePortsProgrammed();
    }

    @Test
    @DisplayName("should be possible to connect to a service via ExternalIP when the external IP is not assigned to a node")
    void shouldBePossibleToConnectToAServiceViaExternalIpWhenTheExternalIpIsNotAssignedToANode() throws IOException {
        String name = "externalip-test";
        // from the LoadBalancer range: routed to node-1 by the external client, on no interface of any node
        List<String> externalIps = List.of(lbIp(IpFamily.IPV4), lbIp(IpFamily.IPV6));
        c.apply(ServiceTypeObjects.withExternalIps(echoService(name, vips()), externalIps));
        slices(name, c.echo1a, c.echo1b);
        for (IpFamily f : IpFamily.values()) {
            String ip = externalIps.get(f.ordinal());
            for (Pod client : List.of(c.client1, c.client2)) awaitServed(Proto.TCP, client, ip, 80, c.echo1a, c.echo1b);
            for (Proto proto : Proto.values()) awaitServedFromOutside(proto, ip, 80, f);
        }
        assertProgrammed(externalIps, "ExternalIP");
    }

    // ------------------------------------------------------------------ session affinity on a node port

    @Test
    @DisplayName("should have session affinity work for NodePort service")
    void shouldHaveSessionAffinityWorkForNodePortService() throws IOException {
        applyAffinityService("affinity-nodeport", "ClientIP", null);
        for (IpFamily f : IpFamily.values()) {
            for (Pod client : List.of(c.client1, c.client2)) awaitSticky(client, f);
        }
    }

    @Test
    @DisplayName("should have session affinity timeout work for NodePort service")
    void shouldHaveSessionAffinityTimeoutWorkForNodePortService() throws IOException {
        applyAffinityService("affinity-nodeport-timeout", "ClientIP", AFFINITY_TIMEOUT);
        Map<IpFamily, String> first = new EnumMap<>(IpFamily.class);
        for (IpFamily f : IpFamily.values()) first.put(f, awaitSticky(c.client1, f));
        // Idle for longer than the timeout, the client is balanced afresh: some later request reaches
        // another pod (each try: p = 3/4), as upstream checks. Both families wait out the same idle periods.
        Map<IpFamily, String> moved = new EnumMap<>(IpFamily.class);
        Poll.result(Duration.ofSeconds(30), Duration.ZERO, () -> {
            Traffic.sleep(AFFINITY_IDLE.toMillis());
            for (IpFamily f : IpFamily.values()) {
                if (moved.containsKey(f)) continue;
                ClientResult r = traffic.one(Proto.TCP, c.client1, c.cluster.nodeAddress(c.node1, f), nodePort);
                if (r.ok() && !r.pod().orElse(first.get(f)).equals(first.get(f))) moved.put(f, r.pod().orElseThrow());
            }
            return moved.size();
        }, n -> n == IpFamily.values().length, n -> "requests after " + AFFINITY_IDLE.toMillis()
                + " ms idle served by another pod than " + first + " in both families; moved: " + moved);
        E2eNode.log("node-port affinity expired: " + first + " -> " + moved);
    }

    @Test
    @DisplayName("should be able to switch session affinity for NodePort service")
    void shouldBeAbleToSwitchSessionAffinityForNodePortService() throws IOException {
        List<String> vips = applyAffinityService("affinity-nodeport-transition", "ClientIP", null);
        for (IpFamily f : IpFamily.values()) awaitSticky(c.client1, f);

        c.apply(withSessionAffinity(withNodePort(echoService("affinity-nodeport-transition", vips), nodePort), "None", null));
        for (IpFamily f : IpFamily.values()) {
            awaitServed(Proto.TCP, c.client1, c.cluster.nodeAddress(c.node1, f), nodePort, affinityBackends());
        }

        c.apply(withSessionAffinity(withNodePort(echoService("affinity-nodeport-transition", vips), nodePort), "ClientIP", null));
        for (IpFamily f : IpFamily.values()) awaitSticky(c.client1, f);
    }

    // ------------------------------------------------------------------ recreated Services, ports and protocols

    @Test
    @DisplayName("should work after the service has been recreated")
    void shouldWorkAfterTheServiceHasBeenRecreated() throws IOException {
        String name = "service-deletion";
        List<String> vips = vips();
        Service svc = echoService(name, vips);
        c.apply(svc);
        slices(name, c.echo1a, c.echo2a);
        for (String vip : vips) awaitServed(Proto.TCP, c.client1, vip, 80, c.echo1a, c.echo2a);

        c.delete(svc); // its EndpointSlices stay, as the pods do upstream
        assertNull(c.kube().services().inNamespace(KubeObjects.NAMESPACE).withName(name).get(), "the Service is gone");
        awaitUnprogrammed(Set.copyOf(vips));

        List<String> again = vips(); // the API server allocates the recreated Service fresh cluster IPs
        c.apply(echoService(name, again));
        for (String vip : again) {
            for (Pod client : List.of(c.client1, c.client2)) awaitServed(Proto.TCP, client, vip, 80, c.echo1a, c.echo2a);
        }
    }

    @Test
    @DisplayName("should serve endpoints on same port and different protocols")
    void shouldServeEndpointsOnSamePortAndDifferentProtocols() throws IOException {
        String name = "multiprotocol-test";
        List<String> vips = vips();
        c.apply(echoService(name, vips));
        slices(name, c.echo1a, c.echo2a);
        for (String vip : vips) {
            for (Pod client : List.of(c.client1, c.client2)) {
                for (Proto proto : Proto.values()) awaitServed(proto, client, vip, 80, c.echo1a, c.echo2a);
            }
        }
    }

    @Test
    @DisplayName("should be able to update service type to NodePort listening on same port number but different protocols")
    void shouldBeAbleToUpdateServiceTypeToNodePortListeningOnSamePortNumberButDifferentProtocols() throws IOException {
        String name = "nodeport-update-service";
        List<String> vips = vips();
        c.apply(dualStackService(name, vips.get(0), vips.get(1), http()));
        slices(name, c.echo1a, c.echo1b);
        for (String vip : vips) awaitServed(Proto.TCP, c.client1, vip, 80, c.echo1a, c.echo1b);

        c.apply(withNodePort(dualStackService(name, vips.get(0), vips.get(1), http()), nodePort));
        for (IpFamily f : IpFamily.values()) {
            awaitServedFromOutside(Proto.TCP, c.cluster.nodeAddress(c.node1, f), nodePort, f);
            awaitNodePortRefused(Proto.UDP, f); // TCP only so far
        }

        // TCP and UDP on service port 80 and on one node port number
        c.apply(withNodePort(echoService(name, vips), nodePort));
        for (IpFamily f : IpFamily.values()) {
            awaitNodePortServed(f);
            awaitServed(Proto.UDP, c.client1, c.cluster.nodeAddress(c.node1, f), nodePort, c.echo1a, c.echo1b);
        }
        List<String> expected = new ArrayList<>();
        for (String ip : nodeIps(c.node1)) {
            String where = ip.contains(":") ? "[" + ip + "]:" + nodePort : ip + ":" + nodePort;
            expected.add(where + "/TCP NodePort");
            expected.add(where + "/UDP NodePort");
        }
        Set<String> listed = ProgrammedFrontends.describe(ProgrammedFrontends.at(c, c.node1, Set.copyOf(nodeIps(c.node1))));
        assertEquals(new TreeSet<>(expected), listed, "node-1's node-port frontends");
    }

    // ------------------------------------------------------------------ helpers

    /** The endpoints of the affinity scenarios: two on each node. */
    List<Pod> affinityBackends() {
        return List.of(c.echo1a, c.echo1b, c.echo2a, c.echo2b);
    }

    /** A NodePort Service with that affinity, served by {@link #affinityBackends()}; its VIPs. */
    List<String> applyAffinityService(String name, String mode, Integer timeoutSeconds) {
        List<String> vips = vips();
        c.apply(withSessionAffinity(withNodePort(echoService(name, vips), nodePort), mode, timeoutSeconds));
        slices(name, affinityBackends().toArray(Pod[]::new));
        return vips;
    }

    /**
     * Waits until a whole batch of new TCP connections from {@code client} to its own node's address
     * of {@code f} on the node port is answered by one pod, checks a second batch agrees; that pod.
     */
    String awaitSticky(Pod client, IpFamily f) throws IOException {
        String ip = c.cluster.nodeAddress(c.cluster.nodeOf(client), f);
        Traffic.Tally t = traffic.awaitBatch(Proto.TCP, client, ip, nodePort, AFFINITY_BATCH, CONVERGE,
                b -> b.failures().isEmpty() && b.pods().size() == 1, "answered by one pod (affinity)");
        String pod = t.pods().iterator().next();
        Traffic.Tally again = traffic.tally(Proto.TCP, client, ip, nodePort, AFFINITY_BATCH);
        assertTrue(again.failures().isEmpty() && again.pods().equals(Set.of(pod)),
                "affinity holds for " + client.name() + " to " + ip + ":" + nodePort + ": first " + pod + ", then " + again);
        return pod;
    }

    private static io.fabric8.kubernetes.api.model.ServicePort http() {
        return port("http", "TCP", 80, E2eNode.ECHO);
    }

    private static io.fabric8.kubernetes.api.model.ServicePort udp() {
        return port("udp", "UDP", 80, E2eNode.ECHO);
    }

    /** A fresh pair of VIPs: IPv4 first (index {@code IpFamily.IPV4.ordinal()}), then IPv6. */
    List<String> vips() {
        return List.of(c.nextVip(IpFamily.IPV4), c.nextVip(IpFamily.IPV6));
    }

    /** A dual-stack ClusterIP Service on {@code vips} with TCP 80 and UDP 80 to the echo servers. */
    static Service echoService(String name, List<String> vips) {
        return dualStackService(name, vips.get(0), vips.get(1), http(), udp());
    }

    /** One ready EndpointSlice per family with these pods. */
    void slices(String service, Pod... pods) {
        c.apply(slice(IpFamily.IPV4, service, service + "-v4", echoPorts(), List.of(pods)));
        c.apply(slice(IpFamily.IPV6, service, service + "-v6", echoPorts(), List.of(pods)));
    }

    /** A fresh address of the LoadBalancer range (routed through node-1, assigned to no node). */
    String lbIp(IpFamily f) {
        return c.cluster.network().loadBalancer(f, nextLbHost.getAndIncrement());
    }

    List<String> nodeIps(Testbed node) {
        return List.of(c.cluster.nodeAddress(node, IpFamily.IPV4), c.cluster.nodeAddress(node, IpFamily.IPV6));
    }

    Traffic.Tally awaitServed(Proto proto, Pod from, String ip, int port, Pod... backends) throws IOException {
        return awaitServed(proto, from, ip, port, List.of(backends));
    }

    /**
     * Single requests until one is answered (each given {@link #PROBE_TIMEOUT}, so that a SYN sent just
     * before the frontend was programmed costs no 1 s retransmission), then batches of 10 requests per
     * backend until one has no failure and reaches exactly {@code backends}; bounded by
     * {@link AgentNodeE2e#CONVERGE} each.
     */
    Traffic.Tally awaitServed(Proto proto, Pod from, String ip, int port, List<Pod> backends) throws IOException {
        Poll.result(CONVERGE, Duration.ofMillis(20), () -> traffic.one(proto, from, ip, port, PROBE_TIMEOUT), ClientResult::ok,
                last -> proto + " " + from.name() + " -> " + ip + ":" + port + " to be answered; last: " + last);
        return traffic.awaitServedBy(proto, from, ip, port, names(backends.toArray(Pod[]::new)), 10 * backends.size(),
                CONVERGE);
    }

    /**
     * The external client reaches {@code ip:port} (an address node-1 serves) and is answered by both
     * endpoints on node-1, which see the client's own address (no source NAT on the way).
     */
    void awaitServedFromOutside(Proto proto, String ip, int port, IpFamily f) throws IOException {
        Traffic.Tally t = awaitServed(proto, c.external, ip, port, c.echo1a, c.echo1b);
        t.successes().forEach(r -> assertEquals(c.external.ip(f), r.peer().orElseThrow(), "client address kept: " + r));
    }

    /**
     * The node port on node-1's address of {@code f} from outside (TCP and UDP), and on each node's own
     * address from a pod on that node (TCP; node-2's pod reaches the endpoints on node-1 as for a
     * cluster IP). A pod reaching the other node's address would need source NAT there, not built yet.
     */
    void awaitNodePortServed(IpFamily f) throws IOException {
        String nodeIp = c.cluster.nodeAddress(c.node1, f);
        for (Proto proto : Proto.values()) awaitServedFromOutside(proto, nodeIp, nodePort, f);
        awaitServed(Proto.TCP, c.client1, nodeIp, nodePort, c.echo1a, c.echo1b);
        awaitServed(Proto.TCP, c.client2, c.cluster.nodeAddress(c.node2, f), nodePort, c.echo1a, c.echo1b);
    }

    /** An ingress IP: from outside (TCP and UDP) and from pods on both nodes. */
    void awaitLoadBalancerServed(String ingressIp, IpFamily f) throws IOException {
        for (Proto proto : Proto.values()) awaitServedFromOutside(proto, ingressIp, 80, f);
        for (Pod client : List.of(c.client1, c.client2)) awaitServed(Proto.TCP, client, ingressIp, 80, c.echo1a, c.echo1b);
    }

    /**
     * A TCP request from {@code from} to {@code vip}:80 fails (how depends on the pod's routes: a lost
     * SYN, an unreachable network; any failure will do), within {@link AgentNodeE2e#CONVERGE}.
     */
    void awaitNotAnswered(Pod from, String vip) throws IOException {
        Poll.result(CONVERGE, Duration.ofMillis(20), () -> traffic.one(Proto.TCP, from, vip, 80, PROBE_TIMEOUT), r -> !r.ok(),
                last -> from.name() + " -> " + vip + ":80 to go unanswered; last: " + last);
    }

    /** Nothing is programmed on node-1's node port: the node's own stack refuses (TCP reset, ICMP port unreachable). */
    void awaitNodePortRefused(Proto proto, IpFamily f) throws IOException {
        traffic.awaitFailure(proto, c.external, c.cluster.nodeAddress(c.node1, f), nodePort,
                e -> e.contains("Connection refused") || e.contains("PortUnreachable"), CONVERGE);
    }

    /**
     * That the ExternalName Service {@code name} (already applied) programs nothing: a control
     * ClusterIP Service applied after it shows that each agent has seen it (both come through one
     * informer, in order), and then the control's frontends must be all each node has.
     */
    void assertExternalNameProgramsNothing(String name) throws IOException {
        String control = name + "-control";
        List<String> vips = vips();
        c.apply(dualStackService(control, vips.get(0), vips.get(1), http()));
        Set<String> expected = Set.of(vips.get(0) + ":80/TCP", "[" + vips.get(1) + "]:80/TCP");
        for (Testbed node : c.cluster.nodes()) {
            List<LbListing.Row> rows = Poll.result(CONVERGE, Duration.ofMillis(50), () -> ProgrammedFrontends.of(c, node),
                    r -> r.stream().map(LbListing.Row::frontend).collect(java.util.stream.Collectors.toSet()).equals(expected),
                    last -> node.nodeName() + " to hold only the control's frontends " + expected + " beside ExternalName "
                            + name + "; last: " + ProgrammedFrontends.describe(last));
            E2eNode.log(node.nodeName() + " with ExternalName " + name + ": " + ProgrammedFrontends.describe(rows));
        }
        c.delete(c.kube().services().inNamespace(KubeObjects.NAMESPACE).withName(control).get());
    }

    /** Each node has frontends of {@code type} on every one of {@code addresses} (bounded wait: node-2 may lag). */
    void assertProgrammed(List<String> addresses, String type) throws IOException {
        for (Testbed node : c.cluster.nodes()) assertProgrammed(node, addresses, type);
    }

    /** Each node has node-port frontends on its own addresses (both families: --nodeport-addresses primary). */
    void assertNodePortsProgrammed() throws IOException {
        for (Testbed node : c.cluster.nodes()) assertProgrammed(node, nodeIps(node), "NodePort");
    }

    /** {@code node} has frontends of {@code type} with backends on every one of {@code addresses}, within {@link AgentNodeE2e#CONVERGE}. */
    void assertProgrammed(Testbed node, List<String> addresses, String type) throws IOException {
        Poll.result(CONVERGE, Duration.ofMillis(50), () -> ProgrammedFrontends.at(c, node, Set.copyOf(addresses)),
                rows -> addresses.stream().allMatch(a -> rows.stream().anyMatch(r -> r.address().equals(a)
                        && r.type().equals(type) && !r.backends().isEmpty())),
                last -> node.nodeName() + " to program " + type + " frontends with backends on " + addresses + "; last: "
                        + ProgrammedFrontends.describe(last));
    }

    /** Waits until no node has a frontend on any of {@code addresses}. */
    void awaitUnprogrammed(Set<String> addresses) throws IOException {
        for (Testbed node : c.cluster.nodes()) {
            Poll.result(CONVERGE, Duration.ofMillis(50), () -> ProgrammedFrontends.at(c, node, addresses), List::isEmpty,
                    last -> node.nodeName() + " to drop every frontend on " + addresses + "; last: "
                            + ProgrammedFrontends.describe(last));
        }
    }
}
