package dev.senda.agent;

import dev.senda.datapath.UdpSocketCloser;
import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.Frontend;
import dev.senda.desired.L4Protocol;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.DestroyedSocket;
import dev.senda.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Moves connected UDP clients of socket LB off backends that left their Service: after each applied sync
 * in which a UDP backend left a frontend (or the frontend went), sweeps socket LB's network namespaces
 * with a {@link UdpSocketCloser}, which closes each connected UDP socket whose backend is no longer one of
 * its frontend's. The first applied sync sweeps too: backends may have left while no agent ran.
 *
 * <p>One log line per sweep (sockets closed, failed, namespaces swept, why it ran) and the metrics
 * {@code senda_stale_udp_sweeps_total} and {@code senda_stale_udp_sockets_total{result}}. Without a
 * closer (socket LB is off, or none could be opened) the agent creates none of this.
 *
 * <p>Per-packet LB needs nothing from here: its conntrack re-balances a UDP flow at its next datagram
 * once the backend is gone from the backend map (bpf/lib/lb_pkt4.h, lb_pkt6.h).
 *
 * <p>Runs on the sync thread (a sweep is bounded: each namespace gets at most a few seconds), so sweeps
 * never overlap and a sweep always sees the maps of the sync that asked.
 */
final class StaleUdpSockets {
    private static final Logger log = LoggerFactory.getLogger(StaleUdpSockets.class);
    /** How many departed pairs a log line names. */
    private static final int NAMED = 3;

    /** A UDP backend in one frontend. */
    record Pair(Frontend frontend, BackendAddress backend) {
        @Override
        public String toString() {
            return frontend + " -> " + backend.address().withPort(backend.port());
        }
    }

    private final UdpSocketCloser closer;
    private final Supplier<List<Path>> namespaces;
    private final Metrics metrics;
    private Set<Pair> last;

    /** @param namespaces socket LB's namespaces, listed anew at each sweep (processes come and go) */
    StaleUdpSockets(UdpSocketCloser closer, Supplier<List<Path>> namespaces, Metrics metrics) {
        this.closer = closer;
        this.namespaces = namespaces;
        this.metrics = metrics;
    }

    /** Every UDP (frontend, backend) pair of {@code state}. */
    static Set<Pair> udpPairs(LbState state) {
        Set<Pair> out = new HashSet<>();
        for (DesiredFrontend f : state.frontends().values()) {
            if (f.frontend().proto() != L4Protocol.UDP) continue;
            for (DesiredBackend b : f.backends()) out.add(new Pair(f.frontend(), b.address()));
        }
        return out;
    }

    /** The pairs of {@code before} that {@code after} no longer has, sorted by frontend then backend. */
    static List<Pair> departed(Set<Pair> before, Set<Pair> after) {
        List<Pair> out = new ArrayList<>();
        for (Pair p : before) if (!after.contains(p)) out.add(p);
        out.sort(java.util.Comparator.comparing(Pair::frontend).thenComparing(Pair::backend));
        return out;
    }

    /** {@link UdpSocketCloser.Serves} over the UDP frontends of {@code state}, either scope. */
    static UdpSocketCloser.Serves serves(Set<Pair> pairs) {
        Map<String, Set<String>> byFrontend = new HashMap<>();
        for (Pair p : pairs) {
            byFrontend.computeIfAbsent(p.frontend().address().withPort(p.frontend().port()), k -> new HashSet<>())
                    .add(p.backend().address().withPort(p.backend().port()));
        }
        return (IpAddress vip, int vport, IpAddress backend, int port) ->
                byFrontend.getOrDefault(vip.withPort(vport), Set.of()).contains(backend.withPort(port));
    }

    /** Called with what the maps hold after each successful apply; sweeps when UDP backends left. */
    void applied(LbState state) {
        Set<Pair> now = udpPairs(state);
        Set<Pair> before = last;
        last = now;
        String reason;
        if (before == null) {
            reason = "first sync: backends may have left while no agent ran";
        } else {
            List<Pair> gone = departed(before, now);
            if (gone.isEmpty()) return;
            reason = gone.size() + " UDP backend(s) left their frontend: "
                    + String.join(", ", gone.subList(0, Math.min(NAMED, gone.size())).stream().map(Pair::toString).toList())
                    + (gone.size() > NAMED ? ", ..." : "");
        }
        sweep(reason, serves(now));
    }

    private void sweep(String reason, UdpSocketCloser.Serves current) {
        long start = System.nanoTime();
        List<Path> ns;
        try {
            ns = namespaces.get();
        } catch (RuntimeException e) {
            log.warn("stale UDP sockets: cannot list socket LB's network namespaces ({}): {}", reason, e.toString());
            return;
        }
        UdpSocketCloser.Sweep s;
        try {
            s = closer.sweep(ns, current);
        } catch (RuntimeException e) {
            log.warn("stale UDP sockets: sweep failed ({}): {}", reason, e.toString());
            return;
        }
        metrics.recordStaleUdpSweep(s.closed(), s.failed());
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<String> failures = s.sockets().stream().filter(d -> !d.destroyed()).map(DestroyedSocket::toString).toList();
        String line = "stale UDP sockets: closed " + s.closed() + " connected socket(s) of departed backends in "
                + s.namespaces() + " network namespace(s) in " + ms + " ms"
                + (s.closed() > 0 ? " (" + String.join(", ", s.sockets().stream().filter(DestroyedSocket::destroyed)
                        .limit(NAMED).map(d -> d.backend().withPort(d.port())).toList())
                        + (s.closed() > NAMED ? ", ..." : "") + ")" : "")
                + (failures.isEmpty() ? "" : "; " + failures.size() + " failed: "
                        + String.join(", ", failures.subList(0, Math.min(NAMED, failures.size()))))
                + (s.errors().isEmpty() ? "" : "; " + s.errors().size() + " namespace(s) failed, first: "
                        + s.errors().getFirst())
                + "; why: " + reason + "; with " + closer.describe();
        if (failures.isEmpty() && s.errors().isEmpty()) {
            log.info(line);
        } else {
            log.warn(line);
        }
    }
}
