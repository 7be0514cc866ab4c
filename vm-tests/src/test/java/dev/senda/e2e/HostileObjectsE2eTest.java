package dev.senda.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.cli.LbListing;
import dev.senda.maps.lb.LbMaps;
import dev.senda.test.Poll;
import dev.senda.testbed.AgentProcess;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.senda.e2e.KubeObjects.NAMESPACE;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.service;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input through the API server (issue 8): a generated stream of malformed Services and
 * EndpointSlices (fixed seed) written to the mock API server, which validates nothing, so they reach
 * the agent as a buggy or malicious writer would deliver them; then one Service updated thousands of
 * times. Meanwhile a healthy Service keeps being served. Afterwards: the agent is alive and healthy, no
 * DNS query left the node ({@link DnsTrap}), {@code senda bpf lb list -o json} holds no frontend of a
 * rejected Service and no backend from a refused endpoint, the healthy Service's programmed row is
 * unchanged, and the agent's resident memory grew by less than a generous bound.
 */
@Tag("privileged")
class HostileObjectsE2eTest {
    private static final long SEED = 8;
    private static final Set<String> ALL = Set.of("echo-a", "echo-b", "echo-c");
    /** Variants per category. */
    private static final int VARIANTS = 12;
    private static final int BURST_UPDATES = 2000;
    /** RSS growth allowed over the whole stream: generous, a leak of the 10,000-endpoint slice per update would pass it. */
    private static final long RSS_GROWTH_BOUND_KB = 512 * 1024;

    /** What the generated stream must not leave in the maps. */
    private final Set<String> forbiddenFrontends = new HashSet<>();
    private final Set<String> forbiddenBackends = new HashSet<>();
    private final List<String> forbiddenBackendPrefixes = new ArrayList<>();
    private int tried;
    private int mustBeRejected;

    @Test
    @DisplayName("hostile Services and EndpointSlices through the API server: no crash, no DNS lookup, nothing programmed from a rejected object, other Services untouched, memory bounded")
    void hostileObjects() throws Exception {
        try (E2eNode node = E2eNode.create(getClass().getSimpleName())) {
            DnsTrap dns = DnsTrap.start(node.tb);
            AgentProcess agent = node.startAgent(true);
            Traffic traffic = new Traffic(node.tb, true);
            String vip = node.nextVip();
            node.apply(service("a-healthy", vip, port("http", "TCP", 80, E2eNode.ECHO)));
            node.apply(slice("a-healthy", "a-healthy-1", List.of(slicePort("http", "TCP", E2eNode.ECHO)),
                    List.of(node.a, node.b, node.c)));
            traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, ALL);
            JsonNode healthyRow = row(lbListJson(agent), vip + ":80/TCP");
            long rssBefore = rssKb(agent);

            ClientLoop loop = new ClientLoop(traffic, node, vip);
            Random rnd = new Random(SEED);
            long burstMillis;
            try {
                loop.awaitRequests(5, Duration.ofSeconds(20));
                hostileStream(node, rnd, vip);
                burstMillis = burst(node, agent);
                // a marker written last: once it is programmed, the agent has seen everything before it
                String marker = node.nextVip();
                node.apply(service("zz-marker", marker, port("http", "TCP", 80, E2eNode.ECHO)));
                node.apply(slice("zz-marker", "zz-marker-1", List.of(slicePort("http", "TCP", E2eNode.ECHO)), List.of(node.a)));
                traffic.awaitServedBy(Proto.TCP, node.client, marker, 80, Set.of("echo-a"));
                loop.awaitRequests(loop.size() + 5, Duration.ofSeconds(20));
            } finally {
                loop.stop();
            }

            assertTrue(agent.isAlive(), "the agent died during the hostile stream\n" + agent.logTail(60));
            assertEquals(200, agent.healthz().status(), "/healthz after the hostile stream\n" + agent.logTail(40));
            List<ClientResult> failures = loop.failures();
            assertTrue(failures.isEmpty(), failures.size() + " of " + loop.size()
                    + " requests to the healthy Service failed during the stream, e.g. " + failures.subList(0, Math.min(3, failures.size())));
            assertEquals(ALL, loop.pods(), "the healthy Service was served by");

            JsonNode rows = lbListJson(agent);
            assertEquals(healthyRow, row(rows, vip + ":80/TCP"), "the healthy Service's programmed frontend changed");
            List<String> leaks = leaks(rows);
            assertTrue(leaks.isEmpty(), leaks.size() + " entries programmed from rejected objects or parts, e.g. "
                    + leaks.subList(0, Math.min(5, leaks.size())));

            long dnsBytes = dns.queriesBytes();
            assertEquals(0, dnsBytes, "DNS queries left the node namespace during the stream (bytes caught)");

            long rssAfter = rssKb(agent);
            String metrics = agent.metrics();
            long rejected = (long) PromText.require(metrics, "senda_rejected_objects");
            assertTrue(rejected >= mustBeRejected, "the agent reports " + rejected + " rejected objects, at least "
                    + mustBeRejected + " must be\n" + agent.logTail(40));
            E2eNode.log(String.format("hostile objects: %d tried, %d rejected (senda_rejected_objects; %d must be), crashes 0, "
                            + "DNS queries 0, leaks 0; RSS %d MB before, %d MB after; healthy Service served %d of %d requests; "
                            + "burst of %d updates of one Service, last one programmed %d ms after it was written",
                    tried, rejected, mustBeRejected, rssBefore / 1024, rssAfter / 1024, loop.size() - failures.size(),
                    loop.size(), BURST_UPDATES, burstMillis));
            assertTrue(rssAfter - rssBefore < RSS_GROWTH_BOUND_KB,
                    "agent RSS grew from " + rssBefore + " kB to " + rssAfter + " kB");
        }
    }

    /** Writes every category of hostile object, {@link #VARIANTS} variants each (the 10,000-endpoint slice once). */
    private void hostileStream(E2eNode node, Random rnd, String healthyVip) {
        ServicePort http = port("http", "TCP", 80, E2eNode.ECHO);
        for (int i = 1; i <= VARIANTS; i++) {
            int x = 1 + rnd.nextInt(200);
            // IPv4 with leading zeros (CVE-2021-29923): decimal or octal, either reading is a guess
            String lzVip = "010.97." + x + ".0" + i;
            forbiddenFrontends.add("10.97." + x + "." + i);
            forbiddenFrontends.add("8.97." + x + "." + i);
            rejectedService(node, base("lz-" + i, lzVip).withPorts(http).endSpec().build());
            String lzBackend = "10.203." + x + "." + i;
            forbiddenBackends.add(lzBackend);
            write(node, rawSlice("lze-slice-" + i, "a-healthy", "IPv4", ep(String.format("%03d.%03d.%03d.%03d", 10, 203, x, i))));

            // hostnames where addresses belong: never resolved
            rejectedService(node, base("host-" + i, "svc-" + x + ".invalid").withPorts(http)
                    .withExternalIPs("ext-" + x + ".invalid").endSpec().build());
            write(node, rawSlice("host-slice-" + i, "a-healthy", "IPv4", ep("pod-" + x + ".invalid"), ep("localhost")));

            // ports 0, 65536 and null; duplicate ports
            String portVip = "10.97.201." + i;
            forbiddenFrontends.add(portVip);
            ServicePort bad = switch (i % 3) {
                case 0 -> new ServicePortBuilder(http).withPort(0).build();
                case 1 -> new ServicePortBuilder(http).withPort(65536).build();
                default -> new ServicePortBuilder(http).withPort(null).build();
            };
            rejectedService(node, base("port-" + i, portVip).withPorts(bad).endSpec().build());
            String dupVip = "10.97.202." + i;
            forbiddenFrontends.add(dupVip);
            rejectedService(node, base("dup-" + i, dupVip).withPorts(http, new ServicePortBuilder(http).withName("again").build())
                    .endSpec().build());
            write(node, rawSlice("port-slice-" + i, "port-" + i, "IPv4", List.of(
                    new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder().withName("http").withProtocol("TCP")
                            .withPort(i % 2 == 0 ? 0 : 65536).build()), ep(node.a.ip())));

            // a second Service on the healthy Service's address, and on its frontend: it loses as a whole
            forbiddenFrontends.add(healthyVip + ":" + (81 + i));
            rejectedService(node, base("z-conflict-" + i, healthyVip)
                    .withPorts(new ServicePortBuilder(http).withTargetPort(new IntOrString(E2eNode.ECHO2)).build(),
                            port("other", "TCP", 81 + i, E2eNode.ECHO)).endSpec().build());
            write(node, slice("z-conflict-" + i, "z-conflict-slice-" + i, List.of(slicePort("http", "TCP", E2eNode.ECHO2),
                    slicePort("other", "TCP", E2eNode.ECHO)), List.of(node.a)));

            // endpoints on loopback, link-local, the cloud metadata address, unspecified, multicast, broadcast
            String badEpService = "bad-ep-" + i;
            write(node, base(badEpService, "10.97.203." + i).withPorts(http).endSpec().build());
            List<String> v4 = List.of("127.0.0.1", "127." + x + ".0." + i, "169.254.169.254", "169.254." + x + "." + i,
                    "0.0.0.0", "224.0.0." + i, "255.255.255.255");
            forbiddenBackends.addAll(v4);
            write(node, rawSlice("bad-ep-slice-" + i, badEpService, "IPv4", v4.stream().map(HostileObjectsE2eTest::ep).toArray(Endpoint[]::new)));
            List<String> v6 = List.of("::1", "::", "fe80::" + Integer.toHexString(x), "ff02::" + i, "::ffff:127.0.0.1");
            forbiddenBackends.addAll(v6);
            write(node, rawSlice("bad-ep6-slice-" + i, badEpService, "IPv6", v6.stream().map(HostileObjectsE2eTest::ep).toArray(Endpoint[]::new)));

            // huge names and labels: a 253-character Service name, 10 KB label values; a slice with them too
            String hugeVip = "10.97.204." + i;
            forbiddenFrontends.add(hugeVip);
            String hugeName = ("h" + i + "-").repeat(100).substring(0, 253);
            rejectedService(node, new ServiceBuilder(base(hugeName, hugeVip).withPorts(http).endSpec().build())
                    .editMetadata().addToLabels("team", "x".repeat(10_240)).addToLabels("k".repeat(300), "v").endMetadata().build());
            String hugeBackend = "10.204." + x + "." + i;
            forbiddenBackends.add(hugeBackend);
            mustBeRejected++;
            write(node, new EndpointSliceBuilder(rawSlice("huge-label-slice-" + i, "a-healthy", "IPv4", ep(hugeBackend)))
                    .editMetadata().addToLabels("team", "y".repeat(10_240)).endMetadata().build());
        }

        // one EndpointSlice of 10,000 endpoints (the API allows 1,000), pointing at the healthy Service
        forbiddenBackendPrefixes.add("10.205.");
        Endpoint[] many = new Endpoint[10_000];
        for (int i = 0; i < many.length; i++) many[i] = ep("10.205." + (i / 250) + "." + (1 + i % 250));
        mustBeRejected++;
        write(node, rawSlice("ten-thousand", "a-healthy", "IPv4", many));
    }

    /**
     * One Service written {@link #BURST_UPDATES} times as fast as the client goes, each time on another
     * port; returns how long after the last write that port was programmed (and no other of the Service).
     */
    private long burst(E2eNode node, AgentProcess agent) {
        String vip = "10.97.205.1";
        write(node, slice("burst", "burst-1", List.of(slicePort("http", "TCP", E2eNode.ECHO)), List.of(node.a)));
        long start = System.nanoTime();
        int last = 0;
        for (int i = 0; i < BURST_UPDATES; i++) {
            last = 20_000 + i;
            tried++;
            node.kube().resource(service("burst", vip, port("http", "TCP", last, E2eNode.ECHO)))
                    .createOr(NonDeletingOperation::update);
        }
        long written = System.nanoTime();
        String want = vip + ":" + last + "/TCP";
        Poll.until(Duration.ofSeconds(30), () -> {
            List<LbListing.Row> rows = listing(agent).stream().filter(r -> r.address().equals(vip)).toList();
            return rows.size() == 1 && rows.getFirst().frontend().equals(want) && rows.getFirst().backends().size() == 1;
        }, () -> "the burst's last update " + want + " programmed alone; programmed: "
                + listing(agent).stream().filter(r -> r.address().equals(vip)).map(LbListing.Row::frontend).toList());
        long programmedMs = (System.nanoTime() - written) / 1_000_000;
        E2eNode.log(String.format("burst: %d updates written in %d ms (%.0f/s)", BURST_UPDATES, (written - start) / 1_000_000,
                BURST_UPDATES * 1e9 / (written - start)));
        return programmedMs;
    }

    private void rejectedService(E2eNode node, Service s) {
        mustBeRejected++;
        write(node, s);
    }

    private <T extends HasMetadata> void write(E2eNode node, T object) {
        tried++;
        node.kube().resource(object).createOr(NonDeletingOperation::update);
    }

    /** A Service spec in progress with exactly the given cluster IP text (nothing checks it here). */
    private static io.fabric8.kubernetes.api.model.ServiceFluent<ServiceBuilder>.SpecNested<ServiceBuilder> base(String name, String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withNamespace(NAMESPACE).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
                .withIpFamilies("IPv4").withIpFamilyPolicy("SingleStack");
    }

    private static EndpointSlice rawSlice(String name, String service, String type, Endpoint... endpoints) {
        return rawSlice(name, service, type, List.of(slicePort("http", "TCP", E2eNode.ECHO)), endpoints);
    }

    private static EndpointSlice rawSlice(String name, String service, String type,
                                          List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> ports,
                                          Endpoint... endpoints) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(NAMESPACE).withName(name)
                .addToLabels("kubernetes.io/service-name", service).endMetadata()
                .withAddressType(type).withPorts(ports).withEndpoints(endpoints).build();
    }

    private static Endpoint ep(String address) {
        return new EndpointBuilder().withAddresses(address).withNewConditions().withReady(true).endConditions().build();
    }

    /** Frontends of a forbidden address (any port, or the exact address:port) and forbidden backends in the listing. */
    private List<String> leaks(JsonNode rows) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : rows) {
            String address = r.get("address").asText();
            if (forbiddenFrontends.contains(address) || forbiddenFrontends.contains(address + ":" + r.get("port").asInt())) {
                out.add("frontend " + r.get("frontend").asText());
            }
            for (JsonNode b : r.get("backends")) {
                String ba = b.path("address").asText("");
                if (forbiddenBackends.contains(ba) || forbiddenBackendPrefixes.stream().anyMatch(ba::startsWith)) {
                    out.add("backend " + ba + " of " + r.get("frontend").asText());
                }
            }
        }
        return out;
    }

    private static JsonNode lbListJson(AgentProcess agent) throws IOException {
        Exec.Result r = agent.lbList("-o", "json");
        assertTrue(r.ok(), "bpf lb list -o json failed: " + r);
        return new ObjectMapper().readTree(r.stdout());
    }

    private static JsonNode row(JsonNode rows, String frontend) {
        for (JsonNode r : rows) if (r.get("frontend").asText().equals(frontend)) return r;
        throw new AssertionError("no frontend " + frontend + " in bpf lb list:\n" + rows);
    }

    /** The agent's programmed frontends, read from its pins in this JVM (cheap enough to poll). */
    private static List<LbListing.Row> listing(AgentProcess agent) {
        try (LbMaps maps = LbMaps.openPinned(agent.settings().bpffsRoot())) {
            return LbListing.of(maps).rows();
        }
    }

    /** VmRSS of the agent's JVM (the launcher execs it: the process is the JVM). */
    private static long rssKb(AgentProcess agent) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + agent.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        throw new IOException("no VmRSS for " + agent);
    }

    /** Requests from client2 to the healthy Service every ~20 ms on a thread of its own, at most 10 000 and 150 s. */
    private static final class ClientLoop {
        private final List<ClientResult> results = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        ClientLoop(Traffic traffic, E2eNode node, String vip) {
            thread = Thread.ofPlatform().name("healthy-client").start(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
                for (int i = 0; i < 10_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                    try {
                        results.add(traffic.one(Proto.TCP, node.client2, vip, 80));
                    } catch (IOException e) {
                        results.add(ClientResult.failure("client could not run: " + e, 0));
                    }
                    Traffic.sleep(20);
                }
            });
        }

        int size() {
            return results.size();
        }

        void awaitRequests(int n, Duration bound) {
            Poll.until(bound, () -> size() >= n || !thread.isAlive(), () -> n + " requests of the client loop");
            assertTrue(size() >= n, "the client loop ended after only " + size() + " of " + n + " requests");
        }

        void stop() throws InterruptedException {
            stop.set(true);
            if (!thread.join(Duration.ofSeconds(30))) throw new AssertionError("the client loop did not stop");
        }

        List<ClientResult> failures() {
            synchronized (results) {
                return results.stream().filter(r -> !r.ok()).toList();
            }
        }

        Set<String> pods() {
            synchronized (results) {
                Set<String> out = new java.util.TreeSet<>();
                results.forEach(r -> r.pod().ifPresent(out::add));
                return out;
            }
        }
    }
}
