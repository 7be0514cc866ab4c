package dev.senda.e2e;

import dev.senda.maps.metrics.DatapathEvent;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.TcpSession;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.service;
import static dev.senda.e2e.KubeObjects.slice;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ClusterIP Service scenarios named after the Kubernetes e2e tests ({@code test/e2e/network/service.go}),
 * against the real agent process in a testbed node, with Services and EndpointSlices created on the
 * mock API server. Subclasses choose the datapath: socket LB (clients inside the cgroup) or
 * per-packet tc LB (--socket-lb=false, clients outside the cgroup).
 *
 * <p>One node and one agent serve every scenario of a class; each scenario uses its own Services
 * and VIPs and deletes them afterwards.
 */
abstract class ClusterIpServicesE2e extends AgentNodeE2e {
    /** Port 80 over TCP and UDP, both to the echo port 8080. */
    private Service echoService(String name, String vip) {
        return service(name, vip, port("http", "TCP", 80, E2eNode.ECHO), port("udp", "UDP", 80, E2eNode.ECHO));
    }

    @Test
    @DisplayName("should serve a basic endpoint from pods")
    void shouldServeABasicEndpointFromPods() throws IOException {
        String vip = node.nextVip();
        node.apply(echoService("basic", vip));
        node.apply(slice("basic", "basic-1", echoPorts(), List.of(node.a)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a));

        node.apply(slice("basic", "basic-1", echoPorts(), List.of(node.a, node.b)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a, node.b));

        node.apply(slice("basic", "basic-1", echoPorts(), List.of(node.b)));
        Traffic.Tally t = traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.b));
        // the application still sees the VIP as its peer (getpeername), whichever datapath translated
        t.successes().forEach(r -> assertEquals(vip + ":80", r.remote(), "getpeername: " + r));
    }

    @Test
    @DisplayName("should serve a new Service on its VIP within a second")
    void shouldServeANewServiceWithinASecond() throws IOException {
        String vip = node.nextVip();
        node.apply(slice("quick", "quick-1", echoPorts(), List.of(node.a, node.b, node.c)));
        long start = System.nanoTime();
        node.apply(echoService("quick", vip));
        ClientResult first = null;
        long deadline = start + Duration.ofSeconds(10).toNanos();
        int attempts = 0;
        while (System.nanoTime() < deadline) {
            // short attempts: a connect() made before the VIP was programmed is not translated and
            // may wait for a SYN retransmit (the node rate-limits its ICMP unreachables)
            first = node.tb.tcp(node.client, vip, 80, traffic.inCgroup(), Duration.ofMillis(100));
            attempts++;
            if (first.ok()) break;
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        E2eNode.log("new Service answered after " + ms + " ms, " + attempts + " attempts");
        assertTrue(first != null && first.ok(), "new Service never answered within 10 s; last: " + first);
        assertTrue(ms <= 1000, "new Service answered only after " + ms + " ms (wanted <= 1000 ms)");
    }

    @Test
    @DisplayName("should serve multiport endpoints from pods")
    void shouldServeMultiportEndpointsFromPods() throws IOException {
        String vip = node.nextVip();
        // portname1 targets a named port (resolved through the slice), portname2 a number.
        node.apply(service("multi", vip,
                KubeObjects.namedPort("portname1", "TCP", 80, "svc1"),
                port("portname2", "TCP", 81, E2eNode.ECHO2)));
        node.apply(slice("multi", "multi-1",
                List.of(slicePort("portname1", "TCP", E2eNode.ECHO), slicePort("portname2", "TCP", E2eNode.ECHO2)),
                List.of(node.a, node.b, node.c)));
        Set<String> all = names(node.a, node.b, node.c);
        Traffic.Tally p80 = traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, all);
        Traffic.Tally p81 = traffic.awaitServedBy(Proto.TCP, node.client, vip, 81, all);
        p80.successes().forEach(r -> assertEquals(E2eNode.ECHO, r.serverPort().orElseThrow(), "port 80 -> " + r));
        p81.successes().forEach(r -> assertEquals(E2eNode.ECHO2, r.serverPort().orElseThrow(), "port 81 -> " + r));
    }

    @Test
    @DisplayName("should be able to up and down services")
    void shouldBeAbleToUpAndDownServices() throws IOException {
        String vip1 = node.nextVip();
        String vip2 = node.nextVip();
        Set<String> all = names(node.a, node.b, node.c);
        Service svc1 = echoService("up-down-1", vip1);
        EndpointSlice slice1 = slice("up-down-1", "up-down-1-x", echoPorts(), List.of(node.a, node.b, node.c));
        node.apply(svc1);
        node.apply(slice1);
        node.apply(echoService("up-down-2", vip2));
        node.apply(slice("up-down-2", "up-down-2-x", echoPorts(), List.of(node.a, node.b, node.c)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip1, 80, all);
        traffic.awaitServedBy(Proto.TCP, node.client, vip2, 80, all);

        // down: the VIP stops answering; the other Service is untouched
        node.delete(svc1);
        node.delete(slice1);
        traffic.awaitFailure(Proto.TCP, node.client, vip1, 80, e -> true, CONVERGE);
        Traffic.Tally again = traffic.tally(Proto.TCP, node.client, vip2, 80, 30);
        assertTrue(again.failures().isEmpty() && again.pods().equals(all), "up-down-2 after deleting up-down-1: " + again);

        // up again, same VIP
        node.apply(echoService("up-down-1", vip1));
        node.apply(slice("up-down-1", "up-down-1-x", echoPorts(), List.of(node.a, node.b, node.c)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip1, 80, all);
        traffic.awaitServedBy(Proto.TCP, node.client, vip2, 80, all);
    }

    @Test
    @DisplayName("should keep serving while endpoints are added and removed under client load")
    void shouldKeepServingWhileEndpointsChange() throws Exception {
        String vip = node.nextVip();
        node.apply(echoService("churn", vip));
        node.apply(slice("churn", "churn-1", echoPorts(), List.of(node.a, node.b)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a, node.b));

        assertServedWhileEndpointsChange(vip, List.of(
                        List.of(node.a, node.b, node.c),
                        List.of(node.b, node.c),
                        List.of(node.c),
                        List.of(node.a, node.c),
                        List.of(node.a, node.b, node.c),
                        List.of(node.a)),
                step -> node.apply(slice("churn", "churn-1", echoPorts(), step)));
    }

    @Test
    @DisplayName("should keep established connections when their endpoint is removed")
    void shouldKeepEstablishedConnections() throws IOException {
        String vip = node.nextVip();
        List<EndpointPort> ports = List.of(slicePort("stream", "TCP", E2eNode.STREAM));
        node.apply(service("sticky", vip, port("stream", "TCP", 90, E2eNode.STREAM)));
        node.apply(slice("sticky", "sticky-1", ports, List.of(node.a, node.b, node.c)));
        Set<String> all = names(node.a, node.b, node.c);
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 90, all);

        try (TcpSession session = node.tb.openTcpSession(node.client, vip, 90, traffic.inCgroup())) {
            String greeting = session.readLine(Duration.ofSeconds(5));
            String servedBy = greeting.split(" ")[0];
            session.send("before");
            assertEquals("before", session.readLine(Duration.ofSeconds(5)));

            List<Pod> rest = new ArrayList<>(List.of(node.a, node.b, node.c));
            rest.removeIf(p -> p.name().equals(servedBy));
            node.apply(slice("sticky", "sticky-1", ports, rest));
            traffic.awaitServedBy(Proto.TCP, node.client, vip, 90, names(rest.toArray(Pod[]::new)));

            session.send("after");
            assertEquals("after", session.readLine(Duration.ofSeconds(5)),
                    "the established connection to " + servedBy + " broke after its endpoint was removed");
        }
    }

    @Test
    @DisplayName("should serve clients in pods created after the agent started, and survive their removal")
    void shouldServePodsCreatedAfterTheAgentStarted() throws IOException {
        String vip = node.nextVip();
        node.apply(echoService("late", vip));
        node.apply(slice("late", "late-1", echoPorts(), List.of(node.a, node.b, node.c)));
        Set<String> all = names(node.a, node.b, node.c);
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, all);

        // a new pod: its host-side device appears while the agent runs (per-packet LB must attach to it)
        Pod late = node.tb.addPod("late");
        E2eNode.log("added pod " + late.name() + " " + late.ip() + " on " + late.hostDevice());
        Traffic.Tally t = traffic.awaitServedBy(Proto.TCP, late, vip, 80, all);
        t.successes().forEach(r -> assertEquals(late.ip(), r.peer().orElseThrow(), "source of the new pod: " + r));
        traffic.awaitServedBy(Proto.UDP, late, vip, 80, all, 30, CONVERGE);

        // and gone again: the agent stays healthy, everyone else keeps being served
        node.tb.removePod("late");
        E2eNode.log("removed pod " + late.name());
        Traffic.Tally after = traffic.tally(Proto.TCP, node.client, vip, 80, 30);
        assertTrue(after.failures().isEmpty() && after.pods().equals(all), "after removing a pod: " + after);
        assertEquals(200, node.agent().healthz().status(), "agent /healthz after a pod device vanished");
        assertTrue(node.agent().isAlive(), "agent died after a pod device vanished\n" + node.agent().logTail(40));
    }

    @Test
    @DisplayName("should be updated after adding or deleting ports")
    void shouldBeUpdatedAfterAddingOrDeletingPorts() throws IOException {
        String vip = node.nextVip();
        Set<String> all = names(node.a, node.b, node.c);
        List<EndpointPort> ports = List.of(slicePort("p80", "TCP", E2eNode.ECHO), slicePort("p81", "TCP", E2eNode.ECHO2));
        node.apply(slice("ports", "ports-1", ports, List.of(node.a, node.b, node.c)));
        node.apply(service("ports", vip, port("p80", "TCP", 80, E2eNode.ECHO)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, all);

        node.apply(service("ports", vip, port("p80", "TCP", 80, E2eNode.ECHO), port("p81", "TCP", 81, E2eNode.ECHO2)));
        Traffic.Tally p81 = traffic.awaitServedBy(Proto.TCP, node.client, vip, 81, all);
        p81.successes().forEach(r -> assertEquals(E2eNode.ECHO2, r.serverPort().orElseThrow(), "port 81 -> " + r));

        node.apply(service("ports", vip, port("p81", "TCP", 81, E2eNode.ECHO2)));
        traffic.awaitFailure(Proto.TCP, node.client, vip, 80, e -> true, CONVERGE);
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 81, all);
    }

    @Test
    @DisplayName("should implement service.kubernetes.io/service-proxy-name")
    void shouldImplementServiceProxyName() throws IOException {
        String vip = node.nextVip();
        Set<String> all = names(node.a, node.b, node.c);
        node.apply(slice("proxy-name", "proxy-name-1", echoPorts(), List.of(node.a, node.b, node.c)));
        // a Service meant for another proxy is not programmed ...
        node.apply(KubeObjects.labeled(echoService("proxy-name", vip), "service.kubernetes.io/service-proxy-name", "foo-bar"));
        String other = node.nextVip();
        node.apply(echoService("proxy-name-control", other));
        node.apply(slice("proxy-name-control", "proxy-name-control-1", echoPorts(), List.of(node.a, node.b, node.c)));
        traffic.awaitServedBy(Proto.TCP, node.client, other, 80, all); // the agent has seen both by now
        ClientResult r = traffic.one(Proto.TCP, node.client, vip, 80, Traffic.FAILURE_TIMEOUT);
        assertTrue(!r.ok(), "a Service labelled for another proxy must not be served: " + r);
        // ... until the label goes
        node.apply(echoService("proxy-name", vip));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, all);
    }

    @Test
    @DisplayName("should implement service.kubernetes.io/headless")
    void shouldImplementServiceHeadless() throws IOException {
        String vip = node.nextVip();
        Set<String> all = names(node.a, node.b, node.c);
        node.apply(slice("headless-label", "headless-label-1", echoPorts(), List.of(node.a, node.b, node.c)));
        node.apply(echoService("headless-label", vip));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, all);
        node.apply(KubeObjects.labeled(echoService("headless-label", vip), "service.kubernetes.io/headless", ""));
        traffic.awaitFailure(Proto.TCP, node.client, vip, 80, e -> true, CONVERGE);
        node.apply(echoService("headless-label", vip));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, all);
    }

    @Test
    @DisplayName("should fallback to terminating endpoints when there are no ready endpoints")
    void shouldFallbackToTerminatingEndpoints() throws IOException {
        String vip = node.nextVip();
        node.apply(echoService("terminating", vip));
        // a ready, b serving but terminating: only a
        EndpointSlice ready = slice("terminating", "terminating-1", echoPorts(), List.of(node.a), true, true, false);
        EndpointSlice terminating = slice("terminating", "terminating-1", echoPorts(), List.of(node.b), false, true, true);
        node.apply(KubeObjects.merge(ready, terminating));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a));
        // no ready endpoint left: the serving, terminating one takes over
        node.apply(terminating);
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.b));
        // terminating and no longer serving: nothing
        node.apply(slice("terminating", "terminating-1", echoPorts(), List.of(node.b), false, false, true));
        traffic.awaitFailure(Proto.TCP, node.client, vip, 80, e -> e.contains("Connection refused"), CONVERGE);
    }

    @Test
    @DisplayName("should serve IPv4 Services to dual-stack (AF_INET6) sockets using v4-mapped addresses")
    void shouldServeV4MappedClients() throws IOException {
        // Java (by default), and other runtimes, talk IPv4 through AF_INET6 sockets and ::ffff:a.b.c.d
        String vip = node.nextVip();
        node.apply(echoService("mapped", vip));
        node.apply(slice("mapped", "mapped-1", echoPorts(), List.of(node.a, node.b, node.c)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a, node.b, node.c));
        for (String address : List.of("TCP6:[::ffff:" + vip + "]:80", "UDP6:[::ffff:" + vip + "]:80")) {
            for (int i = 0; i < 5; i++) {
                Exec.Result r = Exec.run(Duration.ofSeconds(10), node.tb.clientCommand(node.client, traffic.inCgroup(),
                        "sh", "-c", "echo ping | socat -t 1 -T 3 - " + address).toArray(String[]::new));
                String answer = r.stdout().strip();
                assertTrue(r.ok() && answer.matches("echo-[abc] " + java.util.regex.Pattern.quote(node.client.ip()) + " 8080"),
                        "socat " + address + (traffic.inCgroup() ? " (in the cgroup)" : "") + " answered '" + answer
                                + "' (exit " + r.exitCode() + ", stderr '" + r.stderr().strip() + "')");
            }
        }
    }

    @Test
    @DisplayName("should preserve source pod IP for traffic thru service cluster IP")
    void shouldPreserveSourcePodIp() throws IOException {
        String vip = node.nextVip();
        node.apply(echoService("source-ip", vip));
        node.apply(slice("source-ip", "source-ip-1", echoPorts(), List.of(node.a)));
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, names(node.a));
        for (Proto proto : Proto.values()) {
            for (Pod from : List.of(node.client, node.b)) {
                Traffic.Tally t = traffic.tally(proto, from, vip, 80, 5);
                assertTrue(t.failures().isEmpty(), proto + " from " + from.name() + ": " + t);
                t.successes().forEach(r -> assertEquals(from.ip(), r.peer().orElseThrow(),
                        "backend saw the wrong source for a " + proto + " request from " + from.name() + ": " + r));
            }
        }
    }

    @Test
    @DisplayName("should allow pods to hairpin back to themselves through services")
    void shouldAllowPodsToHairpinBackToThemselves() throws IOException {
        String vip = node.nextVip();
        node.apply(echoService("hairpin", vip));
        node.apply(slice("hairpin", "hairpin-1", echoPorts(), List.of(node.a)));
        Traffic.Tally t = traffic.awaitServedBy(Proto.TCP, node.a, vip, 80, names(node.a));
        Traffic.Tally udp = traffic.awaitServedBy(Proto.UDP, node.a, vip, 80, names(node.a));
        List<ClientResult> all = new ArrayList<>(t.successes());
        all.addAll(udp.successes());
        // The source the backend (the pod itself) sees is fixed by the datapath, not left open:
        String expectedSource = socketLb() ? node.a.ip() : vip;
        String why = socketLb()
                ? "socket LB connects the pod's socket straight to its own address, so no SNAT happens"
                : "per-packet hairpin SNATs the source to the VIP (a packet from the pod's own address arriving on its "
                + "interface is dropped as martian, and a reply to it would never leave the pod to be reverse-translated)";
        for (ClientResult r : all) {
            assertEquals(expectedSource, r.peer().orElseThrow(), "hairpin source seen by the backend; " + why + ": " + r);
            // and the client still sees the Service as its peer (getpeername for TCP, the reply's source for UDP)
            assertEquals(vip + ":80", r.remote(), "hairpin peer seen by the client: " + r);
        }
    }

    @Test
    @DisplayName("should be rejected when no endpoints exist")
    void shouldBeRejectedWhenNoEndpointsExist() throws IOException {
        String vip = node.nextVip();
        node.apply(echoService("no-endpoints", vip));
        ClientResult r = traffic.awaitFailure(Proto.TCP, node.client, vip, 80,
                e -> e.contains("Connection refused"), CONVERGE);
        // once programmed, every attempt is refused at once (not a timeout)
        for (int i = 0; i < 5; i++) {
            r = traffic.one(Proto.TCP, node.client, vip, 80);
            assertTrue(!r.ok() && r.error().contains("Connection refused") && r.millis() < 1000,
                    "no-endpoints Service must refuse at once: " + r);
        }

        // endpoints that exist but are not ready count as none
        String vip2 = node.nextVip();
        node.apply(echoService("not-ready", vip2));
        node.apply(slice("not-ready", "not-ready-1", echoPorts(), List.of(node.a), false));
        traffic.awaitFailure(Proto.TCP, node.client, vip2, 80, e -> e.contains("Connection refused"), CONVERGE);
    }

    /**
     * How the JDK client ({@code ClientMain}) words ECONNREFUSED on a connected datagram socket: from
     * connect(2) "Connection refused"; from send(2) or recv(2) (the kernel turned an ICMP port unreachable
     * into the socket's error) a {@code java.net.PortUnreachableException}, which the JDK throws for that
     * errno only. (On an unconnected socket the JDK swallows ECONNREFUSED, hence socat below.)
     */
    private static boolean udpRefused(String error) {
        return error.contains("Connection refused") || error.contains("java.net.PortUnreachableException");
    }

    @Test
    @DisplayName("should be rejected when no endpoints exist (UDP)")
    void shouldBeRejectedWhenNoEndpointsExistUdp() throws IOException {
        String vip = node.nextVip();
        node.apply(echoService("no-endpoints-udp", vip));
        var client = node.tb.client(node.client, traffic.inCgroup());
        // Until the frontend is programmed nothing answers with ECONNREFUSED (an unknown VIP has no route,
        // or the datagram is just lost), so the first refusal shows the count-0 frontend is in place.
        traffic.awaitFailure(Proto.UDP, node.client, vip, 80, ClusterIpServicesE2e::udpRefused, CONVERGE);

        DatapathEvent counted = socketLb() ? DatapathEvent.SOCK_REFUSED : DatapathEvent.TC_REJECT_UDP;
        long before = datapathEvents(counted);
        int attempts = 5;
        ClientResult lastConnected = null;
        String lastSendto = "";
        for (int i = 0; i < attempts; i++) {
            // Connected socket. Socket LB: connect() itself is refused by the connect4 hook. Per-packet: the
            // datagram leaves, tc answers with ICMP port unreachable, and the waiting recv() fails at once.
            ClientResult r = client.udp(vip, 80, Traffic.REQUEST_TIMEOUT);
            String expected = socketLb() ? "Connection refused" : "java.net.PortUnreachableException";
            assertTrue(!r.ok() && r.error().contains(expected) && r.millis() < 1000,
                    "connected UDP to a Service without endpoints must fail with ECONNREFUSED ('" + expected
                            + "') at once, not time out: " + r);
            lastConnected = r;
            if (socketLb()) {
                // Unconnected socket: sendto() is refused by the sendmsg4 hook. The JDK client cannot show this
                // (it ignores ECONNREFUSED from send() on an unconnected channel), so socat sends: it reports
                // the errno of its sendto(2). (Per-packet LB has nothing to tell an unconnected socket: Linux
                // reports ICMP errors only to connected UDP sockets.)
                long start = System.nanoTime();
                Exec.Result u = Exec.run(Duration.ofSeconds(10), node.tb.clientCommand(node.client, true,
                        "sh", "-c", "echo ping | socat -T 3 - UDP4-SENDTO:" + vip + ":80").toArray(String[]::new));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(!u.ok() && u.stderr().contains("sendto(") && u.stderr().contains("Connection refused")
                                && ms < 2000,
                        "sendto() to a Service without endpoints must fail with ECONNREFUSED at once; socat exited "
                                + u.exitCode() + " after " + ms + " ms, stderr '" + u.stderr().strip() + "'");
                lastSendto = "failed after " + ms + " ms: " + u.stderr().strip();
            }
        }
        long refusals = datapathEvents(counted) - before;
        E2eNode.log("UDP to a Service without endpoints: connected client " + lastConnected
                + (socketLb() ? ", socat sendto " + lastSendto : "") + "; datapath counted " + refusals + " "
                + counted.metricName());
        int expectedRefusals = socketLb() ? 2 * attempts : attempts;
        assertTrue(refusals >= expectedRefusals, "the datapath counted " + refusals + " " + counted.metricName()
                + " for " + expectedRefusals + " refused datagrams");

        // The same frontend serves once an endpoint is ready, and refuses again when it is gone.
        node.apply(slice("no-endpoints-udp", "no-endpoints-udp-1", echoPorts(), List.of(node.a)));
        traffic.awaitServedBy(Proto.UDP, node.client, vip, 80, names(node.a));
        node.apply(slice("no-endpoints-udp", "no-endpoints-udp-1", echoPorts(), List.of()));
        traffic.awaitFailure(Proto.UDP, node.client, vip, 80, ClusterIpServicesE2e::udpRefused, CONVERGE);
    }

    /** The agent's {@code senda_datapath_events_total{event="..."}} (0 when the series is absent). */
    private long datapathEvents(DatapathEvent event) throws IOException {
        return (long) PromText.orElse(node.agent().metrics(),
                "senda_datapath_events_total{event=\"" + event.metricName() + "\"}", 0);
    }

    @Test
    @DisplayName("should serve endpoints on same port and different protocols (UDP)")
    void shouldServeEndpointsOnSamePortAndDifferentProtocols() throws IOException {
        String vip = node.nextVip();
        node.apply(service("dual", vip, port("tcp", "TCP", 80, E2eNode.ECHO), port("udp", "UDP", 80, E2eNode.ECHO)));
        node.apply(slice("dual", "dual-1",
                List.of(slicePort("tcp", "TCP", E2eNode.ECHO), slicePort("udp", "UDP", E2eNode.ECHO)),
                List.of(node.a, node.b, node.c)));
        Set<String> all = names(node.a, node.b, node.c);
        traffic.awaitServedBy(Proto.TCP, node.client, vip, 80, all);
        Traffic.Tally udp = traffic.awaitServedBy(Proto.UDP, node.client, vip, 80, all);
        udp.successes().forEach(r -> assertEquals(node.client.ip(), r.peer().orElseThrow(), "UDP source: " + r));
        udp.successes().forEach(r -> assertEquals(vip + ":80", r.remote(), "connected UDP reply source: " + r));

        // sendto/recvfrom without connect(): the reply must come from the VIP as well
        var client = node.tb.client(node.client, traffic.inCgroup());
        Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 30; i++) {
            ClientResult r = client.udpUnconnected(vip, 80, Traffic.REQUEST_TIMEOUT);
            assertTrue(r.ok(), "unconnected UDP: " + r);
            assertEquals(vip + ":80", r.remote(), "recvfrom source of an unconnected UDP reply: " + r);
            seen.add(r.pod().orElseThrow());
        }
        assertEquals(all, seen, "unconnected UDP spread over backends");
    }
}
