package dev.senda.agent;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.senda.source.RejectedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * kube-proxy-compatible health endpoints over the JDK's HTTP server.
 *
 * <ul>
 *   <li>{@code /healthz}: 200 while {@link HealthState.Status#healthy()} (no queued change overdue, first
 *       sync programmed, Node not being deleted, no refused input file missing), else 503.</li>
 *   <li>{@code /livez}: 200 while {@link HealthState.Status#live()} (starting, waiting for the first sync, or no queued change overdue), else 503.</li>
 *   <li>{@code /readyz}: 200 once the first complete sync has been programmed, else 503.</li>
 *   <li>any other path: 404, so a probe aimed at a wrong path fails instead of passing.</li>
 * </ul>
 * The body of all three is JSON like kube-proxy's,
 * {@code {"lastUpdated": "...","currentTime": "...","nodeEligible": bool,"healthy": bool}} with
 * ISO-8601 instants ({@code lastUpdated} is the end of the last successful sync, which the periodic
 * resync keeps recent while healthy, or Go's zero time {@code 0001-01-01T00:00:00Z} before the first
 * one, as kube-proxy prints it; {@code healthy} is the /healthz verdict whatever the path), plus Senda's
 * {@code "rejectedFiles"}: every input file the source refuses right now, as
 * {@code {"path": ..., "reason": "too_large"|"unparsable"|"unreadable", "detail": ..., "lastGoodKept": bool}}
 * (an empty list when all is well; kube-proxy clients ignore the extra fields), and Senda's
 * {@code "source"}: {@code {"healthy": bool, "lastGoodSync": "...", "lastGoodSyncAgeSeconds": n,
 * "detail": "..."}}, whether the API watch is open and heard from, the last moment it was, and how long
 * ago that is ({@code null} twice before it ever was; for a directory source {@code currentTime} and 0).
 * During an API outage the status codes keep kube-proxy's meaning (see {@link HealthState}); this
 * object is where the outage shows.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    /** kube-proxy's default --healthz-bind-address. */
    public static final String DEFAULT_BIND = "0.0.0.0:10256";
    private static final String NEVER = "0001-01-01T00:00:00Z";

    private final HttpServer server;
    private final ExecutorService executor;
    private final HealthState state;

    private HealthServer(HttpServer server, ExecutorService executor, HealthState state) {
        this.server = server;
        this.executor = executor;
        this.state = state;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound (the message names it)
     */
    public static HealthServer start(BindAddress bind, HealthState state) throws IOException {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(state, "state");
        HttpServer server;
        try {
            server = HttpServer.create(bind.toSocketAddress(), 0);
        } catch (IOException e) {
            throw new IOException("cannot bind health server to " + bind + ": " + e.getMessage(), e);
        }
        // One daemon thread: probes are tiny, and a stuck client must not keep the JVM alive.
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "senda-healthz");
            t.setDaemon(true);
            return t;
        });
        HealthServer hs = new HealthServer(server, executor, state);
        server.createContext("/", hs::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("health server listening on {}", hs.address());
        return hs;
    }

    /** The bound address (with the real port when port 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            HealthState.Status status = state.status();
            Boolean ok = switch (path) {
                case "/healthz" -> status.healthy();
                case "/livez" -> status.live();
                case "/readyz" -> status.ready();
                default -> null;
            };
            if (ok == null) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            if (!ok) LOG.debug("{} -> 503: {}", path, status.reason());
            String body = body(status);
            send(exchange, ok ? 200 : 503, "application/json", body);
        }
    }

    /**
     * kube-proxy's fields, spaced as it writes them, then Senda's: the refused files, the desired
     * frontends not programmed (a count and the first few names, however many there are), and, only when
     * the datapath could not be loaded, {@code datapath} with the object, the program and the verifier's
     * last lines.
     */
    static String body(HealthState.Status status) {
        StringBuilder b = new StringBuilder("{\"lastUpdated\": \"")
                .append(status.lastUpdated().map(Instant::toString).orElse(NEVER))
                .append("\",\"currentTime\": \"").append(status.currentTime())
                .append("\",\"nodeEligible\": ").append(status.nodeEligible())
                .append(",\"healthy\": ").append(status.healthy())
                .append(",\"rejectedFiles\": [");
        String separator = "";
        for (RejectedFile r : status.rejectedFiles()) {
            b.append(separator).append("{\"path\": ").append(quoted(r.file().toString()))
                    .append(",\"reason\": ").append(quoted(r.reason().label()))
                    .append(",\"detail\": ").append(quoted(r.detail()))
                    .append(",\"lastGoodKept\": ").append(r.lastGoodKept()).append('}');
            separator = ",";
        }
        b.append("],\"source\": {\"healthy\": ").append(status.source().healthy())
                .append(",\"lastGoodSync\": ");
        Optional<Duration> age = status.lastGoodSyncAge();
        if (age.isEmpty()) {
            b.append("null,\"lastGoodSyncAgeSeconds\": null");
        } else {
            Instant good = status.source().lastGoodSync().orElse(status.currentTime());
            b.append('"').append(good).append("\",\"lastGoodSyncAgeSeconds\": ")
                    .append(String.format(java.util.Locale.ROOT, "%.3f", age.get().toMillis() / 1000.0));
        }
        b.append(",\"detail\": ").append(quoted(status.source().detail())).append('}');
        b.append(",\"unprogrammedFrontends\": {\"count\": ").append(status.unprogrammed().count())
                .append(",\"first\": [");
        String comma = "";
        for (String name : status.unprogrammed().first()) {
            b.append(comma).append(quoted(name));
            comma = ",";
        }
        b.append("]}");
        if (status.datapathFailure().isPresent()) {
            HealthState.DatapathFailure f = status.datapathFailure().get();
            b.append(",\"datapath\": {\"loaded\": false,\"object\": ").append(quoted(f.object()))
                    .append(",\"program\": ").append(f.program().map(HealthServer::quoted).orElse("null"))
                    .append(",\"verifierLog\": ").append(quoted(f.verifierTail()))
                    .append(",\"detail\": ").append(quoted(status.reason())).append('}');
        }
        return b.append("}\n").toString();
    }

    /** A JSON string literal (paths and parser messages may hold quotes, backslashes, control characters). */
    private static String quoted(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    private static void send(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        HttpReplies.send(exchange, code, contentType, body);
    }

    /** Stops listening at once and ends the handler thread. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
