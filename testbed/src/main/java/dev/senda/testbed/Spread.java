package dev.senda.testbed;

import dev.senda.net.IpAddress;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The demo's measurements: rounds of {@code n} requests from the client pod to a VIP (IPv4 or IPv6)
 * and how they spread over the backends, printed as a small histogram.
 *
 * @param converge how long {@link #await} keeps measuring until the expected backends answer
 * @param timeout  bound of one request
 */
record Spread(Testbed tb, Pod client, boolean inCgroup, int n, Duration converge, Duration timeout) {
    /** Count bound of {@link #await}, beside its time bound. */
    private static final int MAX_ROUNDS = 1000;

    /** One round's answers per backend, its failures, and one answer line to show. */
    record Round(Map<String, Integer> counts, List<String> errors, Optional<String> sample) {
        boolean servedBy(Set<String> expected) {
            return errors.isEmpty() && counts.keySet().equals(new TreeSet<>(expected));
        }
    }

    /**
     * Measures until exactly {@code expected} answer (at most {@link #converge}, pausing 200 ms between
     * rounds), then prints a fresh round: the converging round may have started before the agent's
     * update and would skew the picture.
     *
     * @return whether the expected backends answered in time (the reason is printed otherwise)
     */
    boolean await(PrintStream out, Testbed.Proto proto, String vip, int port, Set<String> expected) throws IOException {
        long start = System.nanoTime();
        long deadline = start + converge.toNanos();
        Round round;
        int rounds = 0;
        do {
            round = measure(proto, vip, port);
            rounds++;
            if (round.servedBy(expected)) {
                if (rounds > 1) out.printf("  converged after %.1f s%n", (System.nanoTime() - start) / 1e9);
                return show(out, proto, vip, port, expected);
            }
            sleep(200);
        } while (System.nanoTime() < deadline && rounds < MAX_ROUNDS && !Thread.currentThread().isInterrupted());
        print(out, proto, vip, port, round);
        out.println("  !! expected exactly " + new TreeSet<>(expected) + " within " + converge.toSeconds() + " s");
        return false;
    }

    /** One round, printed; true when every request was answered by one of {@code expected}. */
    boolean show(PrintStream out, Testbed.Proto proto, String vip, int port, Set<String> expected) throws IOException {
        Round round = measure(proto, vip, port);
        print(out, proto, vip, port, round);
        return round.errors().isEmpty() && expected.containsAll(round.counts().keySet());
    }

    /** One request, for a probe. */
    ClientResult one(Testbed.Proto proto, String vip, int port) throws IOException {
        return tb.request(proto, client, vip, port, inCgroup, timeout);
    }

    private Round measure(Testbed.Proto proto, String vip, int port) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        String sample = null;
        for (int i = 0; i < n; i++) {
            ClientResult r = one(proto, vip, port);
            if (r.ok()) {
                counts.merge(r.pod().orElse(r.answer()), 1, Integer::sum);
                if (sample == null) sample = "'" + r.answer() + "' (the client's peer: " + r.remote() + ")";
            } else {
                errors.add(r.error());
            }
        }
        return new Round(counts, errors, Optional.ofNullable(sample));
    }

    private void print(PrintStream out, Testbed.Proto proto, String vip, int port, Round round) {
        String target = IpAddress.parse(vip).map(a -> a.withPort(port)).orElse(vip + ":" + port);
        out.println("  " + n + " " + proto + " requests from " + client.name() + " to " + target + ":");
        round.counts().forEach((pod, c) -> out.printf("    %-8s %3d %s%n", pod, c, "#".repeat(c * 40 / n)));
        if (!round.errors().isEmpty()) {
            out.printf("    %-8s %3d e.g. %s%n", "failed", round.errors().size(), round.errors().getFirst());
        }
        round.sample().ifPresent(s -> out.println("    e.g. " + s));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
