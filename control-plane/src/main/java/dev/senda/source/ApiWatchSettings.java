package dev.senda.source;

import io.fabric8.kubernetes.client.Config;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link KubernetesSource} keeps its view of the API server current through outages.
 *
 * <p>{@code idleTimeout} ({@value #FLAG}) bounds how long the source trusts a watch that delivers
 * nothing: after that much silence it asks the API server a cheap question ({@code GET /version})
 * through the same client. Any HTTP answer proves the path alive (401/403/404 included; 5xx and 429 mean
 * it does not serve). No answer within {@link #probeTimeout()} means the connection is dead (a silently
 * dropped TCP connection, which no RST ever ends): the source drops the client and its connections,
 * opens new ones and lists everything again. client-go gets the same effect from HTTP/2 pings after
 * about 45 s.
 *
 * <p>The probe proves the path to the API server, not each watch's own connection: fabric8's watches
 * are WebSockets, each on a TCP connection of its own, and the probe takes another. When the path dies
 * (the API server or its address unreachable without a RST, a NAT or load balancer forgetting every
 * connection) the probe finds it; a single watch
 * connection dropped while new connections work is not, and is replaced by fabric8's own client-side
 * watch restart within 5 to 10 minutes. (Plain HTTP watches would share the probe's connection, but
 * fabric8 counts one as open only from its first event, and its mock API server does not stream them.)
 *
 * <p>While the API server does not serve (no answer, or 5xx/429), it is probed every {@link #tick()},
 * and at its first good answer a new client lists everything afresh, rather than trusting watches
 * resumed across the outage from a server that may have lost the events in between.
 *
 * @param idleTimeout silence after which the watch is probed; at least {@link #MIN_IDLE_TIMEOUT}
 */
public record ApiWatchSettings(Duration idleTimeout) {
    /** The agent's flag for {@link #idleTimeout}. */
    public static final String FLAG = "--api-idle-timeout";
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Below this the watchdog would probe a merely quiet watch all the time. */
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMillis(500);
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofMinutes(10);
    /**
     * Longest pause between two attempts to list or watch again while the API server is away, so the
     * source is back within about this long after it returns. fabric8 doubles its retry interval five
     * times from {@code watchReconnectInterval}; that is set to this ceiling / 32.
     */
    public static final Duration RECONNECT_CEILING = Duration.ofMillis(1000);

    public ApiWatchSettings {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    public static ApiWatchSettings defaults() {
        return new ApiWatchSettings(DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * Why {@code idleTimeout} cannot be used, naming {@value #FLAG}; null when it can.
     */
    public static String problem(Duration idleTimeout) {
        if (idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0 || idleTimeout.compareTo(MAX_IDLE_TIMEOUT) > 0) {
            return FLAG + ": " + format(idleTimeout) + " is outside " + format(MIN_IDLE_TIMEOUT) + ".."
                    + format(MAX_IDLE_TIMEOUT);
        }
        return null;
    }

    /**
     * How long a probe may take: half the idle bound, between 1 s (a loaded node's JVM answering its
     * first probe is slow) and 5 s.
     */
    public Duration probeTimeout() {
        Duration half = idleTimeout.dividedBy(2);
        if (half.compareTo(Duration.ofSeconds(1)) < 0) return Duration.ofSeconds(1);
        return half.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : half;
    }

    /** How often the watchdog looks: a tenth of the idle bound, between 50 ms and 1 s. */
    public Duration tick() {
        Duration tenth = idleTimeout.dividedBy(10);
        if (tenth.compareTo(Duration.ofMillis(50)) < 0) return Duration.ofMillis(50);
        return tenth.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : tenth;
    }

    /**
     * Sets fabric8's retry knobs so that a returning API server is found within about
     * {@link #RECONNECT_CEILING}: informers and watches retry from 31 ms doubling to ~1 s, and the HTTP
     * layer does not retry on its own (its retries, 100 ms doubling ten times, would sit between the
     * informer and a server that is back). Mutates and returns {@code config}.
     */
    public static Config tune(Config config) {
        config.setWatchReconnectInterval((int) (RECONNECT_CEILING.toMillis() / 32));
        config.setWatchReconnectLimit(-1);
        config.setRequestRetryBackoffLimit(0);
        // HTTP/1.1: watches are WebSockets on connections of their own anyway, and the JDK client's
        // cleartext HTTP/2 upgrade left probes unanswered against fabric8's mock API server.
        config.setHttp2Disable(true);
        return config;
    }

    /** "30s", "1500ms". */
    public static String format(Duration d) {
        return d.toMillisPart() == 0 && d.toMillis() >= 1000 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /**
     * Parses {@value #FLAG}'s value: a whole number with the unit {@code ms}, {@code s} or {@code m}.
     *
     * @throws IllegalArgumentException naming the flag
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        int unitAt = 0;
        while (unitAt < t.length() && Character.isDigit(t.charAt(unitAt))) unitAt++;
        String unit = t.substring(unitAt);
        if (unitAt == 0 || unitAt > 9) throw new IllegalArgumentException(FLAG + ": expected e.g. 30s, 1500ms or 2m, got '" + text + "'");
        long n = Long.parseLong(t.substring(0, unitAt));
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> throw new IllegalArgumentException(FLAG + ": expected e.g. 30s, 1500ms or 2m, got '" + text + "'");
        };
    }
}
