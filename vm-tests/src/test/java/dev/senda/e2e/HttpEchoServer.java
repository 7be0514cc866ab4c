package dev.senda.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.senda.testbed.Netns;
import dev.senda.testbed.Pod;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP backend in a pod (a Service's endpoint behind the Ingress controller): its listening socket is
 * created inside the pod's namespace (both families, {@code [::]:port}); every request is answered 200
 * with one line {@code <pod> host=<Host> path=<path> real=<X-Real-IP> peer=<the connection's peer>},
 * so a test sees which pod served, what the proxy forwarded and from where it connected.
 */
final class HttpEchoServer implements AutoCloseable {
    private final Pod pod;
    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEchoServer(Pod pod, HttpServer server, ExecutorService executor) {
        this.pod = pod;
        this.server = server;
        this.executor = executor;
    }

    static HttpEchoServer start(Pod pod, int port) throws IOException {
        HttpServer server = Netns.call(pod.netnsPath(), Duration.ofSeconds(5),
                () -> HttpServer.create(new InetSocketAddress(InetAddress.ofLiteral("::"), port), 64));
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String real = exchange.getRequestHeaders().getFirst("X-Real-IP");
            String body = pod.name() + " host=" + exchange.getRequestHeaders().getFirst("Host") + " path="
                    + exchange.getRequestURI().getPath() + " real=" + real + " peer="
                    + exchange.getRemoteAddress().getAddress().getHostAddress() + "\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return new HttpEchoServer(pod, server, executor);
    }

    Pod pod() {
        return pod;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
