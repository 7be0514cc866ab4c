package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Cgroup2;
import dev.senda.testbed.Exec;
import dev.senda.testbed.NetnsForwarder;
import dev.senda.testbed.NetnsHttp;
import dev.senda.testbed.Pod;
import dev.senda.testbed.TcpSession;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.Testbed.Proto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The testbed alone, without Senda: pods reach each other through the node over IPv4 and IPv6, and
 * nothing is left behind.
 */
@Tag("privileged")
class TestbedSelfTest {

    @Test
    void podsTalkThroughTheNodeAndCloseRemovesEverything() throws Exception {
        Privileged.requireRoot();
        Testbed tb = Testbed.builder().pods("srv", "cli").logDir(Privileged.logDir("TestbedSelfTest")).build();
        Path cgroup = tb.cgroupDir();
        try (tb) {
            Pod srv = tb.pod("srv");
            Pod cli = tb.pod("cli");
            assertTrue(srv.hostDevice().startsWith(tb.prefix() + "p"));
            tb.startEchoServer(srv, Proto.TCP, 8080);
            tb.startEchoServer(srv, Proto.UDP, 8080);
            tb.startStreamServer(srv, 8090);
            for (boolean inCgroup : new boolean[]{false, true}) {
                ClientResult tcp = tb.tcp(cli, srv.ip(), 8080, inCgroup, Duration.ofSeconds(2));
                assertEquals("srv " + cli.ip() + " 8080", tcp.answer(), tcp.toString());
                ClientResult udp = tb.udp(cli, srv.ip(), 8080, inCgroup, Duration.ofSeconds(2));
                assertEquals("srv " + cli.ip() + " 8080", udp.answer(), udp.toString());
                assertEquals(srv.ip() + ":8080", tcp.remote(), "getpeername: " + tcp);
                assertEquals(srv.ip() + ":8080", udp.remote(), "recvfrom: " + udp);
                ClientResult udpu = tb.client(cli, inCgroup).udpUnconnected(srv.ip(), 8080, Duration.ofSeconds(2));
                assertEquals("srv " + cli.ip() + " 8080", udpu.answer(), udpu.toString());
                ClientResult refused = tb.tcp(cli, srv.ip(), 8081, inCgroup, Duration.ofSeconds(2));
                assertTrue(!refused.ok() && refused.error().contains("Connection refused") && refused.millis() < 1000,
                        refused.toString());
            }
            try (TcpSession s = tb.openTcpSession(cli, srv.ip(), 8090, true)) {
                assertEquals("srv " + cli.ip() + " 8090", s.readLine(Duration.ofSeconds(3)));
                s.send("ping");
                assertEquals("ping", s.readLine(Duration.ofSeconds(3)));
            }

            // a root-namespace loopback server, reachable only through the forwarder inside the node namespace
            try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                 NetnsForwarder fwd = NetnsForwarder.start(tb.nodeNetnsPath(), new InetSocketAddress("127.0.0.1", 0),
                         new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()))) {
                Thread.ofVirtual().start(() -> {
                    try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
                        out.write("HTTP/1.0 200 OK\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception ignored) {
                        // the assertion below reports it
                    }
                });
                NetnsHttp.Response r = NetnsHttp.get(tb.nodeNetnsPath(), "127.0.0.1", fwd.port(), "/", Duration.ofSeconds(3));
                assertEquals(200, r.status());
                assertEquals("hello", r.body());
                assertThrows(Exception.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", fwd.port()), 500); // not in the root namespace
                    }
                });
            }
        }
        String netns = Exec.check("ip", "netns", "list").stdout();
        assertFalse(netns.contains(tb.prefix()), "namespaces left: " + netns);
        assertFalse(Files.exists(cgroup), "cgroup left: " + cgroup);
        assertTrue(Cgroup2.mountPoint().isAbsolute());
    }
    /**
     * Every pod is dual-stack: pod-to-pod IPv6 TCP and UDP work through the node without Senda, the
     * server sees the client's own IPv6 address, the client sees the server's as its peer, and the
     * same dual-stack echo servers still see IPv4 clients as IPv4 addresses.
     */
    @Test
    void podsTalkOverIpv6ThroughTheNode() throws Exception {
        Privileged.requireRoot();
        Testbed tb = Testbed.builder().pods("srv", "cli").logDir(Privileged.logDir("TestbedSelfTest-ipv6")).build();
        try (tb) {
            Pod srv = tb.pod("srv");
            Pod cli = tb.pod("cli");
            assertEquals(tb.addresses().pod(IpFamily.IPV6, srv.index()), srv.ipv6());
            assertTrue(IpAddress.parse(srv.ipv6()).orElseThrow().isIpv6(), srv.ipv6());
            assertEquals(srv.ipv6(), IpAddress.parse(srv.ipv6()).orElseThrow().toString(), "canonical text");
            assertTrue(tb.podCidr6().startsWith("fd00:10:244:") && tb.podCidr6().endsWith("::/64"), tb.podCidr6());
            for (String netns : List.of(tb.nodeNetns(), srv.netns(), cli.netns())) {
                // DAD is off: no address waits as "tentative", so traffic flows the moment build() returns
                assertEquals("", Exec.check("ip", "-n", netns, "-6", "addr", "show", "tentative").stdout().strip(),
                        "tentative IPv6 addresses in " + netns);
            }
            String route = Exec.check("ip", "-n", cli.netns(), "-6", "route", "show", "default").stdout();
            assertTrue(route.contains("via " + Testbed.POD_GATEWAY6 + " dev eth0"), route);
            String neighbour = Exec.check("ip", "-n", cli.netns(), "-6", "neigh", "show", Testbed.POD_GATEWAY6).stdout();
            assertTrue(neighbour.contains("PERMANENT"), "gateway neighbour entry: " + neighbour);

            tb.startEchoServer(srv, Proto.TCP, 8080);
            tb.startEchoServer(srv, Proto.UDP, 8080);
            tb.startStreamServer(srv, 8090);
            String expected = "srv " + cli.ipv6() + " 8080";
            for (boolean inCgroup : new boolean[]{false, true}) {
                ClientResult tcp = tb.tcp(cli, srv.ipv6(), 8080, inCgroup, Duration.ofSeconds(2));
                assertEquals(expected, tcp.answer(), tcp.toString());
                assertEquals("[" + srv.ipv6() + "]:8080", tcp.remote(), "getpeername: " + tcp);
                assertEquals(srv.ipv6(), tcp.remoteIp().orElseThrow());
                ClientResult udp = tb.udp(cli, srv.ipv6(), 8080, inCgroup, Duration.ofSeconds(2));
                assertEquals(expected, udp.answer(), udp.toString());
                assertEquals("[" + srv.ipv6() + "]:8080", udp.remote(), "recvfrom: " + udp);
                ClientResult udpu = tb.client(cli, inCgroup).udpUnconnected(srv.ipv6(), 8080, Duration.ofSeconds(2));
                assertEquals(expected, udpu.answer(), udpu.toString());
                ClientResult refused = tb.tcp(cli, srv.ipv6(), 8081, inCgroup, Duration.ofSeconds(2));
                assertTrue(!refused.ok() && refused.error().contains("Connection refused") && refused.millis() < 1000,
                        refused.toString());
                // the same dual-stack servers see an IPv4 client as an IPv4 address
                ClientResult tcp4 = tb.tcp(cli, srv.ip(), 8080, inCgroup, Duration.ofSeconds(2));
                assertEquals("srv " + cli.ip() + " 8080", tcp4.answer(), tcp4.toString());
                ClientResult udp4 = tb.udp(cli, srv.ip(), 8080, inCgroup, Duration.ofSeconds(2));
                assertEquals("srv " + cli.ip() + " 8080", udp4.answer(), udp4.toString());
            }
            // the node's own IPv6 address is routed to the node (nothing listens there: refused at once)
            ClientResult toNode = tb.tcp(cli, tb.nodeIpv6(), 9, false, Duration.ofSeconds(2));
            assertTrue(!toNode.ok() && toNode.error().contains("Connection refused") && toNode.millis() < 1000,
                    "TCP to the node's " + tb.nodeIpv6() + ": " + toNode);
            try (TcpSession s = tb.openTcpSession(cli, srv.ipv6(), 8090, false)) {
                assertEquals("srv " + cli.ipv6() + " 8090", s.readLine(Duration.ofSeconds(3)));
                s.send("ping6");
                assertEquals("ping6", s.readLine(Duration.ofSeconds(3)));
            }
            // a forwarder on the node namespace's IPv6 loopback, asked with a bracketed Host header
            try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                 NetnsForwarder fwd = NetnsForwarder.start(tb.nodeNetnsPath(), new InetSocketAddress("::1", 0),
                         new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()))) {
                Thread.ofVirtual().start(() -> {
                    try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
                        String request = new String(s.getInputStream().readNBytes(40), StandardCharsets.US_ASCII);
                        out.write(("HTTP/1.0 200 OK\r\n\r\n" + (request.contains("Host: [::1]:") ? "bracketed" : request))
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception ignored) {
                        // the assertion below reports it
                    }
                });
                NetnsHttp.Response r = NetnsHttp.get(tb.nodeNetnsPath(), "::1", fwd.port(), "/", Duration.ofSeconds(3));
                assertEquals(200, r.status());
                assertEquals("bracketed", r.body());
            }
        }
        String netns = Exec.check("ip", "netns", "list").stdout();
        assertFalse(netns.contains(tb.prefix()), "namespaces left: " + netns);
    }
}
