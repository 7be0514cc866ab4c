package dev.senda.datapath;

import dev.senda.maps.features.Capabilities;
import dev.senda.maps.features.Feature;
import dev.senda.maps.features.FeatureProbe;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.lb.DestroyedSocket;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.libbpf.BpfLink;
import dev.senda.maps.libbpf.CgroupAttachType;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both ways of closing stale connected UDP sockets on this kernel: the socket-destroy iterator
 * ({@code senda_sockdestroy.o}, needs bpf_sock_destroy) and sock_diag's SOCK_DESTROY (what kernels
 * without the kfunc use). A client process in a scratch cgroup with socket LB holds connected UDP
 * sockets to two Services; one Service's backend is replaced, the sweep runs over the client's
 * namespace, and only the socket pointed at the replaced backend is closed: its next exchange fails, and
 * connecting again reaches the new backend, while the other socket keeps working untouched.
 */
@Tag("privileged")
class StaleUdpSocketCloserTest {
    static final String VIP = "10.96.0.20";
    static final String OTHER_VIP = "10.96.0.21";
    static final IpAddress LOOPBACK = IpAddress.parse("127.0.0.1").orElseThrow();

    private TestDatapath dp;
    private ScratchCgroup cgroup;
    private final List<BpfLink> links = new ArrayList<>();
    private final List<DatagramSocket> backends = new ArrayList<>();
    private Process client;

    @BeforeAll
    static void requireRoot() {
        Capabilities.ofThisProcess().requireForDatapath("the socket-destroy tests (they attach cgroup BPF programs)");
    }

    @BeforeEach
    void setUp() {
        dp = TestDatapath.loadSock();
        cgroup = ScratchCgroup.create();
        links.add(BpfLink.attachCgroup(dp.program("senda_sock4_connect"), cgroup.dir(), CgroupAttachType.INET4_CONNECT));
        links.add(BpfLink.attachCgroup(dp.program("senda_sock4_recvmsg"), cgroup.dir(), CgroupAttachType.UDP4_RECVMSG));
        links.add(BpfLink.attachCgroup(dp.program("senda_sock6_connect"), cgroup.dir(), CgroupAttachType.INET6_CONNECT));
        links.add(BpfLink.attachCgroup(dp.program("senda_sock6_recvmsg"), cgroup.dir(), CgroupAttachType.UDP6_RECVMSG));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        try {
            if (client != null) {
                client.destroyForcibly();
                client.waitFor(10, TimeUnit.SECONDS);
            }
            backends.forEach(DatagramSocket::close);
        } finally {
            try {
                links.forEach(BpfLink::close);
            } finally {
                try {
                    if (cgroup != null) cgroup.close();
                } finally {
                    if (dp != null) dp.close();
                }
            }
        }
    }

    /** A UDP server on loopback answering "{@code name}:{@code datagram}". */
    private int backend(String name) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        backends.add(s);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[512];
            while (!s.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    byte[] a = (name + ":" + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII);
                    s.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return s.getLocalPort();
    }

    /**
     * The iterator where the kernel has bpf_sock_destroy; elsewhere (Debian's 6.1 in the QEMU run) the
     * kernel refuses its object, which is why it is an object of its own, loaded only with the kfunc.
     */
    @Test
    void theIteratorClosesTheSocketOfARemovedBackendAndNotOneToALiveBackend() throws Exception {
        KernelFeatures features = FeatureProbe.probe();
        if (!features.has(Feature.SOCK_DESTROY)) {
            assertThrows(LibbpfException.class, () -> StaleUdpSocketCloser.load(dp.pinRoot()).close(),
                    "a kernel without bpf_sock_destroy (" + features.finding(Feature.SOCK_DESTROY) + ") refuses the iterator");
            return;
        }
        closesTheStaleSocketOnly(() -> StaleUdpSocketCloser.load(dp.pinRoot()));
    }

    @Test
    void sockDiagClosesTheSocketOfARemovedBackendAndNotOneToALiveBackend() throws Exception {
        closesTheStaleSocketOnly(() -> SockDiagUdpCloser.open(dp.pinRoot()));
    }

    private void closesTheStaleSocketOnly(java.util.function.Supplier<UdpSocketCloser> open) throws Exception {
        int portA = backend("a"), portB = backend("b"), portC = backend("c");
        dp.putBackend(1, "127.0.0.1", portA, Protocol.UDP);
        dp.putBackend(2, "127.0.0.1", portB, Protocol.UDP);
        dp.putBackend(3, "127.0.0.1", portC, Protocol.UDP);
        dp.putService(VIP, 53, Protocol.UDP, 10, 1);
        dp.putService(OTHER_VIP, 54, Protocol.UDP, 11, 3);

        // "mapped": a dual-stack IPv6 socket reaching the IPv4 Service as ::ffff:VIP (socket LB's IPv4 maps)
        BufferedReader out = startClient("stale=" + VIP + ":53", "live=" + OTHER_VIP + ":54", "mapped=6:" + VIP + ":53");
        assertEquals("OK stale a:hello", out.readLine());
        assertEquals("OK live c:hello", out.readLine());
        assertEquals("OK mapped a:hello", out.readLine());
        assertEquals("READY", out.readLine());

        // backend a leaves the Service (b takes its slot); its backend entry stays: staleness is per frontend
        dp.putService(VIP, 53, Protocol.UDP, 10, 2);

        // what the maps now say, for the closer that decides in user space
        UdpSocketCloser.Serves current = (vip, vport, backend, port) -> backend.equals(LOOPBACK)
                && (vip.equals(IpAddress.parse(VIP).orElseThrow()) && vport == 53 && port == portB
                    || vip.equals(IpAddress.parse(OTHER_VIP).orElseThrow()) && vport == 54 && port == portC);
        try (UdpSocketCloser closer = open.get()) {
            Path clientNetns = Path.of("/proc", Long.toString(client.pid()), "ns", "net");
            UdpSocketCloser.Sweep sweep = closer.sweep(List.of(clientNetns), current);
            assertEquals(List.of(), sweep.errors());
            assertEquals(List.of("127.0.0.1:" + portA + " (closed)", "127.0.0.1:" + portA + " (closed)"),
                    sweep.sockets().stream().map(DestroyedSocket::toString).toList(),
                    "exactly the two sockets connected to a are closed");

            send("check");
            String stale = out.readLine();
            assertTrue(stale.startsWith("ERR stale "), "the closed socket fails its next exchange: " + stale);
            System.out.println("the closed socket's next exchange: " + stale);
            assertEquals("OK live c:again", out.readLine(), "the socket to a live backend is untouched");
            String mapped = out.readLine();
            assertTrue(mapped.startsWith("ERR mapped "), "the closed dual-stack socket fails too: " + mapped);

            send("reconnect stale");
            assertEquals("OK stale b:again", out.readLine(), "connecting again reaches the backend now serving");
            send("reconnect mapped");
            assertEquals("OK mapped b:again", out.readLine());

            // a second sweep finds nothing more: the reconnected socket's backend is current
            UdpSocketCloser.Sweep again = closer.sweep(List.of(clientNetns), current);
            assertEquals(List.of(), again.sockets());
        }
    }

    private BufferedReader startClient(String... sockets) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$CG_PROCS\" && exec \"$@\"", "sh",
                java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ConnectedUdpClient.class.getName()));
        cmd.addAll(List.of(sockets));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("CG_PROCS", cgroup.procs().toString());
        client = pb.start();
        return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
    }

    private void send(String command) throws IOException {
        OutputStream in = client.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }
}
