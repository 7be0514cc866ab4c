package dev.senda.testbed.bench;

import dev.senda.testbed.Netns;
import dev.senda.testbed.Pod;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A benchmark backend: a TCP socket bound to {@code 0.0.0.0:port} inside a pod's namespace that
 * accepts every connection and closes it at once, served by one platform thread of this JVM.
 *
 * <p>The client measures {@code connect()}, which the kernel completes with the SYN-ACK before the
 * application accepts, so this server's own speed does not enter the latency; it only has to drain
 * the accept queue (backlog {@value #BACKLOG}) so that no SYN is ever dropped for a full queue.
 */
final class AcceptCloseServer implements AutoCloseable {
    static final int BACKLOG = 4096;

    private final ServerSocket socket;
    private final Thread thread;
    private final AtomicLong accepted = new AtomicLong();

    private AcceptCloseServer(ServerSocket socket, String name) {
        this.socket = socket;
        this.thread = Thread.ofPlatform().daemon().name("bench-backend-" + name).start(this::acceptLoop);
    }

    /** Binds inside the pod's namespace and starts accepting before it returns. */
    static AcceptCloseServer start(Pod pod, int port) throws IOException {
        ServerSocket ss = Netns.call(pod.netnsPath(), Duration.ofSeconds(5), () -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), port), BACKLOG);
            return s;
        });
        return new AcceptCloseServer(ss, pod.name());
    }

    /** Connections accepted so far. */
    long accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                accepted.incrementAndGet();
            } catch (IOException e) {
                if (socket.isClosed()) return;
                // a client reset before accept: keep serving
            }
        }
    }

    /** Closes the socket; the accepting thread ends with it (waited for at most a second). */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
