package dev.senda.e2e;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The testbed alone, without Senda: pods reach each other through the node, and nothing is left behind. */
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
}
