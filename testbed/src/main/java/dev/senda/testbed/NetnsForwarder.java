package dev.senda.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP port forwarder whose listening socket lives in another network namespace and whose
 * outgoing connections are made from this JVM's own namespace.
 *
 * <p>It lets a process in a node namespace reach a server on the root namespace's loopback (the
 * e2e tests' mock API server): the agent connects to {@code 127.0.0.1:6443} inside the node
 * namespace, exactly as it would to an API server on that loopback, and the bytes reach the mock
 * unchanged (WebSocket watches included). The listening socket is created on a thread that entered
 * the namespace ({@link Netns#call}); accepted sockets belong to that namespace too, while the
 * connections to the target are opened on the accept thread, which never left the JVM's namespace.
 */
public final class NetnsForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private NetnsForwarder(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        this.acceptor = Thread.ofPlatform().daemon().name("forward-" + server.getLocalPort()).start(this::acceptLoop);
    }

    /**
     * Listens on {@code listen} inside the namespace at {@code netns} and forwards every connection to
     * {@code target} as seen from this JVM's namespace.
     */
    public static NetnsForwarder start(Path netns, InetSocketAddress listen, InetSocketAddress target) throws IOException {
        ServerSocket server = Netns.call(netns, Duration.ofSeconds(5), () -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(listen, 64);
            return s;
        });
        return new NetnsForwarder(server, target);
    }

    /** The port the forwarder listens on inside the namespace. */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket inside;
            try {
                inside = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket outside = new Socket();
            try {
                outside.connect(target, 2000);
            } catch (IOException e) {
                closeQuietly(inside);
                closeQuietly(outside);
                continue;
            }
            open.add(inside);
            open.add(outside);
            AtomicInteger finished = new AtomicInteger();
            pump(inside, outside, finished);
            pump(outside, inside, finished);
        }
    }

    /**
     * Copies one direction; at its EOF half-closes the other side so the peer sees EOF too. The
     * second direction to finish (or the first error) closes both sockets.
     */
    private void pump(Socket from, Socket to, AtomicInteger finished) {
        Thread.ofVirtual().start(() -> {
            boolean clean = false;
            try {
                InputStream in = from.getInputStream(); // closing it would close the whole socket
                OutputStream out = to.getOutputStream();
                byte[] buf = new byte[16 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
                clean = true;
            } catch (IOException e) {
                // reset or closed: tear the pair down below
            }
            if (!clean || finished.incrementAndGet() == 2) {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Socket s : open) closeQuietly(s);
        open.clear();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // being torn down anyway
        }
    }
}
