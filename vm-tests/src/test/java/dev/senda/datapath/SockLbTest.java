package dev.senda.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.features.Capabilities;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SockRevNatValue;
import dev.senda.maps.libbpf.BpfLink;
import dev.senda.maps.libbpf.CgroupAttachType;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The socket datapath ({@code senda_sock.o}) on a real kernel: the four programs attached to a
 * scratch cgroup, a client process inside it, backends on this JVM's loopback. The client makes
 * real syscalls and reports what the kernel told it: connect()/sendto() to a VIP reach the
 * backend, getpeername()/recvfrom() show the VIP, and a Service without backends is refused
 * with ECONNREFUSED at once.
 */
@Tag("privileged")
class SockLbTest {
    static final String VIP = "10.96.0.10";
    static final String EMPTY_VIP = "10.96.0.11";
    static final String VIP6 = "fd00:96::a";
    static final String EMPTY_VIP6 = "fd00:96::b";
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;

    private TestDatapath dp;
    private ScratchCgroup cgroup;
    private final List<BpfLink> links = new ArrayList<>();
    private ServerSocket tcpBackend;
    private DatagramSocket udpBackend;

    @BeforeAll
    static void requireRoot() {
        // Privileged tests must fail, not skip, when they cannot run.
        Capabilities.ofThisProcess().requireForDatapath("the socket LB tests (they attach cgroup BPF programs)");
    }

    @BeforeEach
    void setUp() throws IOException {
        dp = TestDatapath.loadSock();
        cgroup = ScratchCgroup.create();
        attach("senda_sock4_connect", CgroupAttachType.INET4_CONNECT);
        attach("senda_sock4_sendmsg", CgroupAttachType.UDP4_SENDMSG);
        attach("senda_sock4_recvmsg", CgroupAttachType.UDP4_RECVMSG);
        attach("senda_sock4_getpeername", CgroupAttachType.INET4_GETPEERNAME);
        attach("senda_sock6_connect", CgroupAttachType.INET6_CONNECT);
        attach("senda_sock6_sendmsg", CgroupAttachType.UDP6_SENDMSG);
        attach("senda_sock6_recvmsg", CgroupAttachType.UDP6_RECVMSG);
        attach("senda_sock6_getpeername", CgroupAttachType.INET6_GETPEERNAME);

        InetAddress lo = InetAddress.getLoopbackAddress();
        tcpBackend = new ServerSocket(0, 50, lo);
        udpBackend = new DatagramSocket(new InetSocketAddress(lo, 0));
        Thread.ofVirtual().start(this::serveTcp);
        Thread.ofVirtual().start(this::serveUdp);
    }

    private void attach(String program, CgroupAttachType type) {
        links.add(BpfLink.attachCgroup(dp.program(program), cgroup.dir(), type));
    }

    @AfterEach
    void tearDown() throws IOException {
        // Reverse order of creation; each step runs even if an earlier one failed.
        try {
            if (tcpBackend != null) tcpBackend.close();
            if (udpBackend != null) udpBackend.close();
        } finally {
            try {
                links.forEach(BpfLink::close);   // unpinned links: closing detaches
            } finally {
                try {
                    if (cgroup != null) cgroup.close();
                } finally {
                    if (dp != null) dp.close();
                }
            }
        }
    }

    private void serveTcp() {
        while (!tcpBackend.isClosed()) {
            try (Socket s = tcpBackend.accept()) {
                s.getOutputStream().write("tcp-backend".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return; // closed by tearDown
            }
        }
    }

    private void serveUdp() {
        serveUdp(udpBackend, "udp-backend:");
    }

    private static void serveUdp(DatagramSocket socket, String prefix) {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                byte[] answer = (prefix + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
                        .getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    void connectAndSendToAVipReachTheBackendAndTheAppStillSeesTheVip() throws Exception {
        int tcpPort = tcpBackend.getLocalPort();
        int udpPort = udpBackend.getLocalPort();
        dp.putBackend(1, "127.0.0.1", tcpPort, Protocol.TCP);
        dp.putBackend(2, "127.0.0.1", udpPort, Protocol.UDP);
        dp.putService(VIP, 80, Protocol.TCP, 10, 1);
        dp.putService(VIP, 53, Protocol.UDP, 11, 2);

        List<String> out = probe("tcp:" + VIP + ":80", "udp:" + VIP + ":53", "cudp:" + VIP + ":53",
                "tcp:127.0.0.1:" + tcpPort);

        assertEquals(List.of(
                "OK tcp:" + VIP + ":80 peer=" + VIP + ":80 data=tcp-backend",
                "OK udp:" + VIP + ":53 peer=" + VIP + ":53 data=udp-backend:hello",
                "OK cudp:" + VIP + ":53 peer=" + VIP + ":53 data=udp-backend:hello",
                "OK tcp:127.0.0.1:" + tcpPort + " peer=127.0.0.1:" + tcpPort + " data=tcp-backend"), out);

        // one socket reverse-NAT entry per translated socket, pointing back at the VIP
        var revNat = dp.map(Codecs.SOCK_REVNAT4_MAP.mapName());
        List<byte[]> keys = revNat.keys();
        assertEquals(3, keys.size());
        for (byte[] k : keys) {
            SockRevNatValue v = Codecs.SOCK_REVNAT4_VALUE.decode(revNat.lookup(k));
            assertEquals(PacketBuilder.ipv4(VIP), v.address());
        }
    }

    @Test
    void anUnconnectedUdpSocketKeepsItsBackendAcrossDatagrams() throws Exception {
        try (DatagramSocket second = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread.ofVirtual().start(() -> serveUdp(second, "udp-backend-2:"));
            dp.putBackend(2, "127.0.0.1", udpBackend.getLocalPort(), Protocol.UDP);
            dp.putBackend(3, "127.0.0.1", second.getLocalPort(), Protocol.UDP);
            dp.putService(VIP, 53, Protocol.UDP, 11, 2, 3);

            // Per-datagram choice would hit both backends among 16 datagrams (all on one: p = 2^-15).
            List<String> out = probe("udpmany:" + VIP + ":53", "udpmany:" + VIP + ":53");
            for (String line : out) {
                assertTrue(line.startsWith("OK udpmany:" + VIP + ":53 peers=" + VIP + ":53 answers="), line);
                String answers = line.substring(line.indexOf("answers=") + 8);
                assertEquals(1, answers.split(",").length, "one backend per socket: " + line);
            }
            // one stickiness entry per socket, naming one of the Service's backends
            var flows = dp.map(Codecs.SOCK_FLOW4_MAP.mapName());
            assertEquals(2, flows.keys().size());
            for (byte[] k : flows.keys()) {
                int id = Codecs.SOCK_FLOW4_VALUE.decode(flows.lookup(k)).backendId();
                assertTrue(id == 2 || id == 3, "backend id " + id);
            }
        }
    }

    /** Connections {@link #connectsTo} makes: all on one of two backends by chance has p = 2^-11. */
    static final int CONNECTS = 12;

    /** The answers of {@link #CONNECTS} connects (new sockets, one process, one netns) to vip:80. */
    private List<String> connectsTo(String vip) throws Exception {
        String op = "tcp:" + (vip.contains(":") ? "[" + vip + "]" : vip) + ":80";
        List<String> out = probe(java.util.Collections.nCopies(CONNECTS, op).toArray(String[]::new));
        assertEquals(CONNECTS, out.size(), String.join("\n", out));
        for (String line : out) assertTrue(line.startsWith("OK "), line);
        return out.stream().map(l -> l.substring(l.indexOf(" data=") + 6)).toList();
    }

    /** Two TCP backends on {@code lo} (answering "tcp-a" and "tcp-b") behind vip:80, service id 20. */
    private void sessionAffinityCase(String lo, String vip, int timeoutSeconds) throws Exception {
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName(lo));
             ServerSocket b = new ServerSocket(0, 50, InetAddress.getByName(lo))) {
            for (ServerSocket s : List.of(a, b)) {
                String answer = s == a ? "tcp-a" : "tcp-b";
                Thread.ofVirtual().start(() -> {
                    while (!s.isClosed()) {
                        try (Socket c = s.accept()) {
                            c.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
            }
            dp.putBackend(1, lo, a.getLocalPort(), Protocol.TCP);
            dp.putBackend(2, lo, b.getLocalPort(), Protocol.TCP);
            dp.putService(vip, 80, Protocol.TCP, 20, 1, 2);

            assertEquals(2, Set.copyOf(connectsTo(vip)).size(), "without affinity connections spread");

            dp.setAffinity(vip, 80, Protocol.TCP, 20, 2, timeoutSeconds);
            assertEquals(1, Set.copyOf(connectsTo(vip)).size(), "with affinity one client stays on one backend");
            // the client is the socket's network namespace (abi/affinity.h): cookie set, address zero
            var entries = dp.affinity.entries();
            assertEquals(1, entries.size(), entries.toString());
            var key = entries.keySet().iterator().next();
            assertTrue(key.netnsCookie() != 0, key.toString());
            assertEquals(PacketBuilder.ip(vip.contains(":") ? "::" : "0.0.0.0"), key.client());
            assertEquals(20, key.serviceId());

            dp.setAffinity(vip, 80, Protocol.TCP, 20, 2, 0);
            assertEquals(2, Set.copyOf(connectsTo(vip)).size(), "affinity switched off: connections spread again");
        }
    }

    @Test
    void sessionAffinityKeepsAClientOnOneBackendAcrossConnections() throws Exception {
        sessionAffinityCase("127.0.0.1", VIP, 60);
    }

    @Test
    void sessionAffinityKeepsAClientOnOneIpv6BackendAcrossConnections() throws Exception {
        sessionAffinityCase("::1", VIP6, 60);
    }

    @Test
    void connectAndSendToAnIpv6VipReachTheBackendAndTheAppStillSeesTheVip() throws Exception {
        InetAddress lo6 = InetAddress.getByName("::1");
        try (ServerSocket tcp6 = new ServerSocket(0, 50, lo6);
             DatagramSocket udp6 = new DatagramSocket(new InetSocketAddress(lo6, 0))) {
            Thread.ofVirtual().start(() -> {
                while (!tcp6.isClosed()) {
                    try (Socket s = tcp6.accept()) {
                        s.getOutputStream().write("tcp6-backend".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Thread.ofVirtual().start(() -> serveUdp(udp6, "udp6-backend:"));
            dp.putBackend(1, "::1", tcp6.getLocalPort(), Protocol.TCP);
            dp.putBackend(2, "::1", udp6.getLocalPort(), Protocol.UDP);
            dp.putService(VIP6, 80, Protocol.TCP, 10, 1);
            dp.putService(VIP6, 53, Protocol.UDP, 11, 2);

            List<String> out = probe("tcp:[" + VIP6 + "]:80", "udp:[" + VIP6 + "]:53", "cudp:[" + VIP6 + "]:53");

            assertEquals(List.of(
                    "OK tcp:[" + VIP6 + "]:80 peer=[" + VIP6 + "]:80 data=tcp6-backend",
                    "OK udp:[" + VIP6 + "]:53 peer=[" + VIP6 + "]:53 data=udp6-backend:hello",
                    "OK cudp:[" + VIP6 + "]:53 peer=[" + VIP6 + "]:53 data=udp6-backend:hello"), out);
            var revNat = dp.map(Codecs.SOCK_REVNAT6_MAP.mapName());
            assertEquals(3, revNat.keys().size(), "one IPv6 socket reverse-NAT entry per translated socket");
            for (byte[] k : revNat.keys()) {
                assertEquals(PacketBuilder.ip(VIP6), Codecs.SOCK_REVNAT6_VALUE.decode(revNat.lookup(k)).address());
            }
        }
    }

    @Test
    void anIpv6ServiceWithoutBackendsIsRefusedWithEconnrefused() throws Exception {
        dp.putService(EMPTY_VIP6, 80, Protocol.TCP, 12);
        dp.putService(EMPTY_VIP6, 53, Protocol.UDP, 13);
        assertEquals(List.of(
                "ERR tcp:[" + EMPTY_VIP6 + "]:80 errno=" + ECONNREFUSED,
                "ERR udp:[" + EMPTY_VIP6 + "]:53 errno=" + ECONNREFUSED,
                "ERR cudp:[" + EMPTY_VIP6 + "]:53 errno=" + ECONNREFUSED),
                probe("tcp:[" + EMPTY_VIP6 + "]:80", "udp:[" + EMPTY_VIP6 + "]:53", "cudp:[" + EMPTY_VIP6 + "]:53"));
    }

    @Test
    void serviceWithoutBackendsIsRefusedWithEconnrefused() throws Exception {
        dp.putService(EMPTY_VIP, 80, Protocol.TCP, 12);
        dp.putService(EMPTY_VIP, 53, Protocol.UDP, 13);

        List<String> timed = probeTimed("tcp:" + EMPTY_VIP + ":80", "udp:" + EMPTY_VIP + ":53",
                "cudp:" + EMPTY_VIP + ":53");

        assertEquals(List.of(
                "ERR tcp:" + EMPTY_VIP + ":80 errno=" + ECONNREFUSED,
                "ERR udp:" + EMPTY_VIP + ":53 errno=" + ECONNREFUSED,
                "ERR cudp:" + EMPTY_VIP + ":53 errno=" + ECONNREFUSED), withoutTimes(timed));
        // at once: the probe's receive timeout is 3 s, so a timeout would take longer than that
        for (String line : timed) {
            long millis = Long.parseLong(line.substring(line.lastIndexOf(" ms=") + 4));
            assertTrue(millis < 2000, "refusal took " + millis + " ms: " + line);
        }
    }

    @Test
    void aNodeLocalFrontendWithoutLocalEndpointFailsAtOnceWithEhostunreach() throws Exception {
        // internalTrafficPolicy Local on a node without an endpoint of the Service: kube-proxy drops
        dp.putFrontend(EMPTY_VIP, 80, Protocol.TCP, Scope.EXTERNAL, ServiceValue.FLAG_DROP_EMPTY, 12);
        dp.putFrontend(EMPTY_VIP6, 53, Protocol.UDP, Scope.EXTERNAL, ServiceValue.FLAG_DROP_EMPTY, 13);
        assertEquals(List.of(
                "ERR tcp:" + EMPTY_VIP + ":80 errno=" + EHOSTUNREACH,
                "ERR cudp:[" + EMPTY_VIP6 + "]:53 errno=" + EHOSTUNREACH),
                probe("tcp:" + EMPTY_VIP + ":80", "cudp:[" + EMPTY_VIP6 + "]:53"));
    }

    @Test
    void theNodesOwnClientsUseTheInternalScopeOfAnExternalTrafficPolicyLocalFrontend() throws Exception {
        int tcpPort = tcpBackend.getLocalPort();
        dp.putBackend(1, "127.0.0.1", tcpPort, Protocol.TCP);
        // EXTERNAL (outside traffic) has no local endpoint; INTERNAL (this node's sockets) has one
        dp.putFrontend(VIP, 30080, Protocol.TCP, Scope.INTERNAL, ServiceValue.FLAG_NODE_PORT, 21, 1);
        dp.putFrontend(VIP, 30080, Protocol.TCP, Scope.EXTERNAL,
                ServiceValue.FLAG_NODE_PORT | ServiceValue.FLAG_TWO_SCOPES | ServiceValue.FLAG_DROP_EMPTY, 20);
        assertEquals(List.of("OK tcp:" + VIP + ":30080 peer=" + VIP + ":30080 data=tcp-backend"),
                probe("tcp:" + VIP + ":30080"));
    }

    /**
     * loadBalancerSourceRanges in socket LB (bpf/lib/src_range.h): a socket bound to a source inside
     * the ranges is translated; a socket bound outside them, and an unbound one (its source is not
     * chosen at connect()), is left untranslated for per-packet LB to judge by the packet's source.
     * The VIP is a loopback address with a listener of its own ("vip-itself"), so an untranslated
     * connection shows up as such and never leaves the host.
     */
    private void sourceRangeCase(String vip, String inRange, String outOfRange, String bound) throws Exception {
        InetAddress vipAddress = InetAddress.getByName(vip);
        InetAddress backendAddress = InetAddress.getByName(bound);
        try (ServerSocket itself = new ServerSocket(0, 50, vipAddress);
             ServerSocket backend = new ServerSocket(0, 50, backendAddress)) {
            serve(itself, "vip-itself");
            serve(backend, "backend");
            int port = itself.getLocalPort();
            dp.putBackend(1, bound, backend.getLocalPort(), Protocol.TCP);
            dp.putService(vip, port, Protocol.TCP, 20, 1);
            String target = "tcp:" + (vip.contains(":") ? "[" + vip + "]" : vip) + ":" + port;
            String peer = " peer=" + (vip.contains(":") ? "[" + vip + "]" : vip) + ":" + port;

            dp.restrictSources(vip, port, Protocol.TCP, 20, 1, inRange);
            assertEquals(List.of(
                    "OK " + target + "@" + bound + peer + " data=backend",
                    "OK " + target + peer + " data=vip-itself"),
                    probe(target + "@" + bound, target), "bound inside the ranges: translated; unbound: left alone");

            dp.clearSourceRanges();
            dp.restrictSources(vip, port, Protocol.TCP, 20, 1, outOfRange);
            assertEquals(List.of("OK " + target + "@" + bound + peer + " data=vip-itself"),
                    probe(target + "@" + bound), "bound outside the ranges: left to per-packet LB");

            dp.putService(vip, port, Protocol.TCP, 20, 1); // the header without the flag again
            assertEquals(List.of("OK " + target + peer + " data=backend"), probe(target),
                    "without the flag the ranges are not read");
        }
    }

    private static void serve(ServerSocket server, String answer) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @Test
    void aSourceRangedFrontendIsTranslatedOnlyForASocketBoundInsideItsRanges() throws Exception {
        sourceRangeCase("127.0.0.99", "127.0.0.0/8", "10.244.9.9/32", "127.0.0.1");
    }

    @Test
    void anIpv6SourceRangedFrontendIsTranslatedOnlyForASocketBoundInsideItsRanges() throws Exception {
        sourceRangeCase("::1", "::1/128", "fd00:10:244:9::/64", "::1");
    }

    /** Runs {@link SockProbe} in the scratch cgroup; its result lines without the timings. */
    private List<String> probe(String... ops) throws Exception {
        return withoutTimes(probeTimed(ops));
    }

    private static List<String> withoutTimes(List<String> lines) {
        return lines.stream().map(l -> l.substring(0, l.lastIndexOf(" ms="))).toList();
    }

    /** Runs {@link SockProbe} inside the scratch cgroup and returns its result lines. */
    private List<String> probeTimed(String... ops) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$CG_PROCS\" && exec \"$@\"", "sh",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SockProbe.class.getName()));
        cmd.addAll(List.of(ops));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CG_PROCS", cgroup.procs().toString());
        Process p = pb.start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) fail("socket probe did not finish in 60 s");
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "probe exit status; output:\n" + output);
            assertNotNull(output);
            return output.lines().filter(l -> l.startsWith("OK ") || l.startsWith("ERR ")).toList();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
