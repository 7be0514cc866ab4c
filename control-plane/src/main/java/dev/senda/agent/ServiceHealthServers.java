package dev.senda.agent;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.senda.desired.HealthCheckServer;
import dev.senda.desired.HealthChecks;
import dev.senda.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The health-check node ports of {@link HealthChecks}: one small HTTP listener per wanted port on
 * each selected node address, answering as kube-proxy does so cloud load balancers can probe them.
 *
 * <p>Every request (any path, any method) gets 200 when the Service has local ready endpoints and
 * the agent itself is healthy ({@code /healthz} would say 200), else 503, with the JSON body
 * {@code {"service": {"namespace": ..., "name": ...},"localEndpoints": N,"serviceProxyHealthy": bool}}
 * and the header {@code X-Load-Balancing-Endpoint-Weight: N}.
 *
 * <p>{@link #update} is called at every sync: counts change in place (a listener stays open while
 * its port is wanted), listeners whose port is no longer wanted (the Service is gone, went back to
 * Cluster, or changed its port) or whose address is no longer selected are closed. A port that
 * cannot be bound (taken by another process) is one log line naming the Service and port, retried
 * quietly at every later update, and never stops the other ports or the agent.
 */
public final class ServiceHealthServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceHealthServers.class);

    private final BooleanSupplier proxyHealthy;
    private final ExecutorService executor;
    /** What each wanted port answers; read by handler threads, replaced by {@link #update}. */
    private final Map<Integer, HealthCheckServer> answers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Listen, HttpServer> open = new HashMap<>();
    /** Listeners that failed to bind, logged once each until they bind or are no longer wanted. */
    private final Set<Listen> failed = new HashSet<>();
    private boolean reportedNoAddresses;
    private boolean closed;

    /** @param proxyHealthy the agent's own health (kube-proxy's serviceProxyHealthy) */
    public ServiceHealthServers(BooleanSupplier proxyHealthy) {
        this.proxyHealthy = Objects.requireNonNull(proxyHealthy, "proxyHealthy");
        // One daemon thread for all ports: probes are tiny, and a stuck client must not keep the JVM alive.
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "senda-hcnp");
            t.setDaemon(true);
            return t;
        });
    }

    /** Serves exactly {@code wanted}: opens, updates and closes listeners to match. */
    public synchronized void update(HealthChecks wanted) {
        if (closed) return;
        Map<Integer, HealthCheckServer> byPort = new HashMap<>();
        for (HealthCheckServer s : wanted.servers()) byPort.put(s.port(), s);
        boolean noAddresses = wanted.addresses().isEmpty() && !byPort.isEmpty();
        if (noAddresses && !reportedNoAddresses) {
            LOG.warn("no node address selected by --nodeport-addresses: health check node ports {} not served",
                    byPort.keySet().stream().sorted().toList());
        }
        reportedNoAddresses = noAddresses;

        Set<Listen> want = new HashSet<>();
        for (HealthCheckServer s : byPort.values()) {
            for (IpAddress a : wanted.addresses()) {
                if (s.serves(a.family())) want.add(new Listen(a, s.port()));
            }
        }
        // Answers first, so a listener opened below never serves a stale or missing entry.
        answers.putAll(byPort);
        for (Iterator<Map.Entry<Listen, HttpServer>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Listen, HttpServer> e = it.next();
            if (want.contains(e.getKey())) continue;
            e.getValue().stop(0);
            it.remove();
            LOG.info("health check node port {} closed", e.getKey());
        }
        failed.retainAll(want);
        answers.keySet().retainAll(byPort.keySet());
        for (Listen l : want) {
            if (open.containsKey(l)) continue;
            HealthCheckServer s = byPort.get(l.port());
            try {
                open.put(l, start(l));
                failed.remove(l);
                LOG.info("health check node port {} of Service {} listening", l, s.service());
            } catch (IOException | RuntimeException e) {
                if (failed.add(l)) {
                    LOG.warn("health check node port {} of Service {} not served: {}", l, s.service(), e.getMessage());
                }
            }
        }
    }

    /** The listeners open now. */
    public synchronized Set<Listen> listening() {
        return Set.copyOf(open.keySet());
    }

    /** The listeners wanted but not bound (a port taken by another process). */
    public synchronized Set<Listen> notServed() {
        return Set.copyOf(failed);
    }

    private HttpServer start(Listen l) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(l.address().toInetAddress(), l.port()), 0);
        server.createContext("/", exchange -> handle(l, exchange));
        server.setExecutor(executor);
        server.start();
        return server;
    }

    private void handle(Listen l, HttpExchange exchange) throws IOException {
        try (exchange) {
            HealthCheckServer s = answers.get(l.port());
            if (s == null) { // closed between accept and answer
                HttpReplies.send(exchange, 503, "text/plain; charset=utf-8", "no longer served\n");
                return;
            }
            boolean healthy = proxyHealthy.getAsBoolean();
            int local = s.localEndpoints(l.address().family());
            exchange.getResponseHeaders().set("X-Load-Balancing-Endpoint-Weight", Integer.toString(local));
            HttpReplies.send(exchange, local > 0 && healthy ? 200 : 503, "application/json", body(s, local, healthy));
        }
    }

    /** kube-proxy's fields (names escaped: a directory source does not check them as the API server does). */
    static String body(HealthCheckServer s, int localEndpoints, boolean healthy) {
        return "{\"service\": {\"namespace\": " + quoted(s.service().namespace()) + ",\"name\": "
                + quoted(s.service().name()) + "},\"localEndpoints\": " + localEndpoints
                + ",\"serviceProxyHealthy\": " + healthy + "}\n";
    }

    private static String quoted(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    /** Closes every listener. */
    @Override
    public synchronized void close() {
        closed = true;
        open.values().forEach(s -> s.stop(0));
        open.clear();
        executor.shutdownNow();
    }

    /** One listener: a node address and a port. */
    public record Listen(IpAddress address, int port) {
        @Override
        public String toString() {
            return address.withPort(port);
        }
    }
}
