package dev.senda.agent;

import dev.senda.desired.HealthCheckServer;
import dev.senda.desired.HealthChecks;
import dev.senda.model.ObjectRef;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The health-check node port listeners against real sockets on 127.0.0.1. */
class ServiceHealthServersTest {
    private static final IpAddress LOOPBACK = IpAddress.parse("127.0.0.1").orElseThrow();
    private static final ObjectRef WEB = new ObjectRef("ns", "web");
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final ServiceHealthServers servers = new ServiceHealthServers(healthy::get);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        servers.close();
        client.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HealthChecks wanted(HealthCheckServer... s) {
        return new HealthChecks(List.of(LOOPBACK), List.of(s));
    }

    private static String body(String ns, String name, int n, boolean healthy) {
        return "{\"service\": {\"namespace\": \"" + ns + "\",\"name\": \"" + name + "\"},\"localEndpoints\": " + n
                + ",\"serviceProxyHealthy\": " + healthy + "}\n";
    }

    private static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            }
        });
    }

    @Test
    void answers200WithLocalEndpointsThen503WhenTheCountDropsToZero() throws Exception {
        int port = freePort();
        servers.update(wanted(new HealthCheckServer(WEB, port, 2)));
        HttpResponse<String> r = get(port, "/healthz");
        assertEquals(200, r.statusCode());
        assertEquals(body("ns", "web", 2, true), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("2", r.headers().firstValue("X-Load-Balancing-Endpoint-Weight").orElseThrow());

        servers.update(wanted(new HealthCheckServer(WEB, port, 0)));
        r = get(port, "/any/path");
        assertEquals(503, r.statusCode());
        assertEquals(body("ns", "web", 0, true), r.body());
    }

    @Test
    void eachFamilysAddressesAnswerWithThatFamilysCountAndAServiceListensOnlyInItsFamilies() throws Exception {
        int port = freePort();
        IpAddress v6 = IpAddress.parse("::1").orElseThrow();
        // dual-stack: one pod with an address of each family counts 1 in each (kube-proxy's per-family proxiers)
        servers.update(new HealthChecks(List.of(LOOPBACK, v6), List.of(new HealthCheckServer(WEB, port,
                java.util.Map.of(dev.senda.net.IpFamily.IPV4, 1, dev.senda.net.IpFamily.IPV6, 0)))));
        assertEquals(body("ns", "web", 1, true), get(port, "/healthz").body());
        HttpResponse<String> r6 = client.send(HttpRequest.newBuilder(URI.create("http://[::1]:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, r6.statusCode());
        assertEquals(body("ns", "web", 0, true), r6.body());

        // an IPv4-only Service has no listener on the IPv6 addresses
        servers.update(new HealthChecks(List.of(LOOPBACK, v6), List.of(new HealthCheckServer(WEB, port,
                java.util.Map.of(dev.senda.net.IpFamily.IPV4, 1)))));
        assertEquals(java.util.Set.of(new ServiceHealthServers.Listen(LOOPBACK, port)), servers.listening());
    }

    @Test
    void answers503WhileTheAgentIsUnhealthyEvenWithLocalEndpoints() throws Exception {
        int port = freePort();
        servers.update(wanted(new HealthCheckServer(WEB, port, 1)));
        healthy.set(false);
        HttpResponse<String> r = get(port, "/healthz");
        assertEquals(503, r.statusCode());
        assertEquals(body("ns", "web", 1, false), r.body());
    }

    @Test
    void closesThePortWhenTheServiceIsNoLongerWantedAndKeepsTheOthers() throws Exception {
        int a = freePort();
        int b = freePort();
        ObjectRef other = new ObjectRef("ns", "other");
        servers.update(wanted(new HealthCheckServer(WEB, a, 1), new HealthCheckServer(other, b, 1)));
        assertEquals(200, get(a, "/").statusCode());
        assertEquals(200, get(b, "/").statusCode());

        // web went back to externalTrafficPolicy Cluster: desired state no longer lists it.
        servers.update(wanted(new HealthCheckServer(other, b, 3)));
        assertRefused(a);
        assertEquals(body("ns", "other", 3, true), get(b, "/").body());
        assertEquals(Set.of(new ServiceHealthServers.Listen(LOOPBACK, b)), servers.listening());

        servers.update(HealthChecks.NONE);
        assertRefused(b);
        assertEquals(Set.of(), servers.listening());
    }

    @Test
    void aTakenPortIsReportedAndTheOtherPortsAreServed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int free = freePort();
            servers.update(wanted(new HealthCheckServer(WEB, taken.getLocalPort(), 1),
                    new HealthCheckServer(new ObjectRef("ns", "other"), free, 1)));
            assertEquals(Set.of(new ServiceHealthServers.Listen(LOOPBACK, taken.getLocalPort())), servers.notServed());
            assertEquals(200, get(free, "/").statusCode());
            // Retried quietly at the next sync, still refused while taken.
            servers.update(wanted(new HealthCheckServer(WEB, taken.getLocalPort(), 1)));
            assertEquals(Set.of(new ServiceHealthServers.Listen(LOOPBACK, taken.getLocalPort())), servers.notServed());
            assertRefused(free);
        }
    }

    @Test
    void withoutNodeAddressesNothingIsOpened() throws Exception {
        int port = freePort();
        servers.update(new HealthChecks(List.of(), List.of(new HealthCheckServer(WEB, port, 1))));
        assertEquals(Set.of(), servers.listening());
        assertRefused(port);
    }
}
