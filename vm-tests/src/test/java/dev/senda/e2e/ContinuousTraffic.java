package dev.senda.e2e;

import dev.senda.test.Poll;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Pod;
import dev.senda.testbed.TcpSession;
import dev.senda.testbed.Testbed.Proto;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Traffic to one Service that runs without pause for a whole scenario, each kind on threads of its
 * own: long-lived TCP connections to a stream port (greeting, then a numbered line every 50 ms whose
 * echo must come back unchanged and in order), a loop of new TCP connections and a loop of UDP
 * requests. Every loop is bounded (180 s, 100 000 rounds) and ends at its first
 * {@linkplain #failures() failure}: a stream at its first wrong or missing echo ("broken"), the
 * request loops at nothing, they record every failed request and go on.
 *
 * <p>Counts are cumulative; a {@link Mark} is a snapshot of them, to tell what happened between two
 * moments (e.g. while no agent ran).
 */
final class ContinuousTraffic implements AutoCloseable {
    /** Pause between two messages of a stream (the "every ~50 ms"). */
    static final Duration STREAM_PERIOD = Duration.ofMillis(50);
    /** How long an echo may take before the stream counts as broken: generous, the machine is shared. */
    private static final Duration ECHO_BOUND = Duration.ofSeconds(5);
    private static final Duration MAX_RUN = Duration.ofSeconds(180);
    private static final int MAX_ROUNDS = 100_000;
    /** Pause between two requests of a loop: keeps the count bound out of reach before the time bound. */
    private static final long REQUEST_PAUSE_MS = 5;

    /** Cumulative counts of successful exchanges at one moment. */
    record Mark(int tcpConnections, int udpRequests, int streamMessages) {
        Mark minus(Mark earlier) {
            return new Mark(tcpConnections - earlier.tcpConnections, udpRequests - earlier.udpRequests,
                    streamMessages - earlier.streamMessages);
        }

        /** Every count at least {@code min}'s. */
        boolean atLeast(Mark min) {
            return tcpConnections >= min.tcpConnections && udpRequests >= min.udpRequests
                    && streamMessages >= min.streamMessages;
        }

        @Override
        public String toString() {
            return tcpConnections + " new TCP connections, " + udpRequests + " UDP requests, "
                    + streamMessages + " stream messages";
        }
    }

    /** One long-lived connection: who greeted it, how many echoes came back right, why it broke if it did. */
    private static final class Stream {
        final String name;
        final TcpSession session;
        final AtomicInteger echoed = new AtomicInteger();
        volatile String servedBy = "?";
        volatile String broken;

        Stream(String name, TcpSession session) {
            this.name = name;
            this.session = session;
        }
    }

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger tcp = new AtomicInteger();
    private final AtomicInteger udp = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> tcpServedBy = Collections.synchronizedSet(new TreeSet<>());
    private final List<Stream> streams = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private ContinuousTraffic() {
    }

    /**
     * Opens {@code streamCount} connections from {@code streamClient} to vip:streamPort (each must
     * greet within {@link #ECHO_BOUND}), then starts every loop: new TCP connections from
     * {@code requestClient} to vip:tcpPort, UDP requests from {@code streamClient} to vip:udpPort.
     */
    static ContinuousTraffic start(E2eNode node, Traffic traffic, String vip, int tcpPort, int udpPort, int streamPort,
                                   int streamCount, Pod streamClient, Pod requestClient) throws IOException {
        ContinuousTraffic t = new ContinuousTraffic();
        try {
            for (int i = 1; i <= streamCount; i++) {
                TcpSession s = node.tb.openTcpSession(streamClient, vip, streamPort, traffic.inCgroup());
                Stream stream = new Stream("stream-" + i, s);
                t.streams.add(stream); // closed with the others even if the greeting fails
                stream.servedBy = s.readLine(ECHO_BOUND).split(" ")[0];
            }
            for (Stream s : t.streams) t.threads.add(Thread.ofPlatform().name(s.name).start(() -> t.runStream(s)));
            t.threads.add(Thread.ofPlatform().name("tcp-loop").start(
                    () -> t.runRequests(Proto.TCP, traffic, requestClient, vip, tcpPort, t.tcp)));
            t.threads.add(Thread.ofPlatform().name("udp-loop").start(
                    () -> t.runRequests(Proto.UDP, traffic, streamClient, vip, udpPort, t.udp)));
            return t;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void runStream(Stream s) {
        long deadline = System.nanoTime() + MAX_RUN.toNanos();
        for (int n = 1; n <= MAX_ROUNDS && !stop.get() && System.nanoTime() < deadline; n++) {
            String line = s.name + " " + n;
            try {
                s.session.send(line);
                String echo = s.session.readLine(ECHO_BOUND);
                if (!echo.equals(line)) {
                    broken(s, "sent '" + line + "', the echo was '" + echo + "'");
                    return;
                }
            } catch (IOException e) {
                broken(s, "message " + n + ": " + e.getMessage());
                return;
            }
            s.echoed.incrementAndGet();
            messages.incrementAndGet();
            Traffic.sleep(STREAM_PERIOD.toMillis());
        }
    }

    private void broken(Stream s, String why) {
        s.broken = why;
        failures.add(s.name + " (to " + s.servedBy + ") broke after " + s.echoed.get() + " echoes: " + why);
    }

    private void runRequests(Proto proto, Traffic traffic, Pod from, String vip, int port, AtomicInteger ok) {
        long deadline = System.nanoTime() + MAX_RUN.toNanos();
        for (int i = 1; i <= MAX_ROUNDS && !stop.get() && System.nanoTime() < deadline; i++) {
            ClientResult r;
            try {
                r = traffic.one(proto, from, vip, port);
            } catch (IOException e) {
                r = ClientResult.failure("client could not run: " + e, 0);
            }
            if (r.ok()) {
                ok.incrementAndGet();
                if (proto == Proto.TCP) r.pod().ifPresent(tcpServedBy::add);
            } else {
                failures.add(proto + " request " + i + " to " + vip + ":" + port + ": " + r.error());
            }
            Traffic.sleep(REQUEST_PAUSE_MS);
        }
    }

    Mark mark() {
        return new Mark(tcp.get(), udp.get(), messages.get());
    }

    /**
     * Waits (at most {@code bound}) until every kind made at least {@code more}'s count of successful
     * exchanges since {@code since}; fails at once if a loop ended.
     */
    void awaitProgress(Mark since, Mark more, Duration bound, String what) {
        Poll.until(bound, () -> mark().minus(since).atLeast(more) || threads.stream().anyMatch(t -> !t.isAlive()),
                () -> what + ": wanted " + more + ", made " + mark().minus(since) + "; " + summary());
        Optional<Thread> ended = threads.stream().filter(t -> !t.isAlive()).findFirst();
        if (ended.isPresent()) {
            throw new AssertionError(what + ": " + ended.get().getName() + " ended early; " + summary());
        }
    }

    /** Every failure so far: failed requests and broken streams, one line each. */
    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** Streams that broke (each also in {@link #failures()}). */
    long brokenStreams() {
        return streams.stream().filter(s -> s.broken != null).count();
    }

    int streamCount() {
        return streams.size();
    }

    /** The backends the long-lived connections and the new TCP connections reached. */
    Set<String> servedBy() {
        Set<String> all = new TreeSet<>(tcpServedBy);
        streams.forEach(s -> all.add(s.servedBy));
        return all;
    }

    /** "N failures (first few), K of M streams broken". */
    String summary() {
        List<String> f = failures();
        return f.size() + " failures" + (f.isEmpty() ? "" : " (e.g. " + f.subList(0, Math.min(3, f.size())) + ")")
                + ", " + brokenStreams() + " of " + streams.size() + " streams broken";
    }

    /** Stops every loop (waiting at most 30 s for them), then closes the connections. */
    @Override
    public void close() {
        stop.set(true);
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            try {
                if (!t.join(Duration.ofSeconds(30))) stuck.add(t.getName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stuck.add(t.getName() + " (interrupted)");
            }
        }
        streams.forEach(s -> s.session.close());
        if (!stuck.isEmpty()) throw new IllegalStateException("traffic loops did not stop: " + stuck);
    }
}
