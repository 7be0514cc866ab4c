package dev.senda.testbed;

import dev.senda.net.IpAddress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend "pod server" living in a pod's network namespace: its socket is created inside the
 * namespace ({@link Netns#call}), its loop runs on an ordinary thread of this JVM. Every TCP
 * connection / UDP datagram is answered with one line {@code "<pod> <peer-address> <port>"}, so the
 * client learns which backend served it, which source address the backend saw, and which target
 * port was hit. In {@link Mode#STREAM} mode a TCP connection then echoes every line it receives
 * (for long-lived connections).
 *
 * <p>One dual-stack socket per server ({@code [::]:port}, IPV6_V6ONLY off, as the JDK creates it)
 * serves both families: IPv4 clients arrive as IPv4-mapped addresses, which the JDK hands over as
 * plain IPv4 addresses. The peer address is written canonically ({@code 10.244.0.13},
 * {@code fd00:10:244::13}), so answers compare equal to {@link Pod#ip()} and {@link Pod#ipv6()}.
 *
 * <p>Serving from this JVM instead of a process per connection keeps a request at about a
 * millisecond even on a busy machine, which keeps bounded waits meaningful.
 */
public final class EchoServer implements AutoCloseable {
    /** What the server does with a connection. */
    public enum Mode { TCP, UDP, STREAM }

    private final Pod pod;
    private final Mode mode;
    private final int port;
    private final AutoCloseable socket;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong served = new AtomicLong();
    private final Thread loop;
    private volatile boolean closed;

    private EchoServer(Pod pod, Mode mode, int port, AutoCloseable socket) {
        this.pod = pod;
        this.mode = mode;
        this.port = port;
        this.socket = socket;
        String name = "echo-" + pod.name() + "-" + mode.name().toLowerCase() + port;
        this.loop = Thread.ofPlatform().daemon().name(name).start(
                socket instanceof ServerSocket ss ? () -> acceptLoop(ss) : () -> udpLoop((DatagramSocket) socket));
    }

    /**
     * Binds {@code [::]:port} (dual-stack) inside the pod's namespace and starts serving.
     *
     * @throws IOException also when this JVM runs without IPv6 sockets ({@code java.net.preferIPv4Stack})
     */
    public static EchoServer start(Pod pod, Mode mode, int port) throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.ofLiteral("::"), port);
        AutoCloseable socket = Netns.call(pod.netnsPath(), Duration.ofSeconds(5), () -> {
            if (mode == Mode.UDP) return new DatagramSocket(any);
            ServerSocket ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(any, 256);
            return ss;
        });
        return new EchoServer(pod, mode, port, socket);
    }

    /** The line this server answers a client at {@code peer} with. */
    String answer(InetAddress peer) {
        return pod.name() + " " + IpAddress.of(peer) + " " + port;
    }

    /** How many connections/datagrams it answered. */
    public long served() {
        return served.get();
    }

    public Pod pod() {
        return pod;
    }

    public Mode mode() {
        return mode;
    }

    public int port() {
        return port;
    }

    private void acceptLoop(ServerSocket ss) {
        while (!closed) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(s);
            Thread.ofVirtual().start(() -> serve(s));
        }
    }

    private void serve(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            out.write((answer(s.getInetAddress()) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            served.incrementAndGet();
            if (mode == Mode.STREAM) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } else {
                s.shutdownOutput(); // FIN after the answer: the client reads one line and EOF
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        } finally {
            connections.remove(s);
        }
    }

    private void udpLoop(DatagramSocket ds) {
        byte[] buf = new byte[2048];
        while (!closed) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                ds.receive(in);
                byte[] reply = (answer(in.getAddress()) + "\n").getBytes(StandardCharsets.UTF_8);
                ds.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                served.incrementAndGet();
            } catch (IOException e) {
                if (closed) return;
                // e.g. ICMP from a vanished client: keep serving
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (Exception e) {
            // closing anyway
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EchoServer[" + pod.name() + " " + mode + " " + port + "]";
    }
}
