package dev.senda.testbed;

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

    /** Binds {@code 0.0.0.0:port} inside the pod's namespace and starts serving. */
    public static EchoServer start(Pod pod, Mode mode, int port) throws IOException {
        AutoCloseable socket = Netns.call(pod.netnsPath(), Duration.ofSeconds(5), () -> {
            if (mode == Mode.UDP) return new DatagramSocket(new InetSocketAddress(port));
            ServerSocket ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(port), 256);
            return ss;
        });
        return new EchoServer(pod, mode, port, socket);
    }

    /** The line this server answers a client at {@code peer} with. */
    String answer(InetAddress peer) {
        return pod.name() + " " + peer.getHostAddress() + " " + port;
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
