package dev.senda.e2e;

import dev.senda.test.Poll;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Cluster;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Requests from a pod to a Service VIP, their tallies, and bounded waits for convergence. */
final class Traffic {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    /** How one request is made: a single testbed's or a cluster's clients. */
    @FunctionalInterface
    private interface Requester {
        ClientResult request(Testbed.Proto proto, Pod from, String ip, int port, boolean inCgroup, Duration timeout)
                throws IOException;
    }

    private final Requester requester;
    private final boolean inCgroup;

    /** @param inCgroup whether clients start inside the testbed cgroup (socket LB mode) */
    Traffic(Testbed tb, boolean inCgroup) {
        this.requester = tb::request;
        this.inCgroup = inCgroup;
    }

    /**
     * Requests from the pods of any node of a cluster (each inside its own node's cgroup when
     * {@code inCgroup}) and from its external client, which is in no node's cgroup whatever
     * {@code inCgroup} says.
     */
    Traffic(Cluster cluster, boolean inCgroup) {
        Pod external = cluster.external();
        this.requester = (proto, from, ip, port, cg, timeout) ->
                cluster.request(proto, from, ip, port, cg && !from.equals(external), timeout);
        this.inCgroup = inCgroup;
    }

    boolean inCgroup() {
        return inCgroup;
    }

    /** Bound of a request expected to fail: an unprogrammed VIP may just swallow the SYN. */
    static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(1);

    ClientResult one(Testbed.Proto proto, Pod from, String ip, int port) throws IOException {
        return requester.request(proto, from, ip, port, inCgroup, REQUEST_TIMEOUT);
    }

    ClientResult one(Testbed.Proto proto, Pod from, String ip, int port, Duration timeout) throws IOException {
        return requester.request(proto, from, ip, port, inCgroup, timeout);
    }

    /** What {@code n} sequential requests saw. */
    record Tally(List<ClientResult> results) {
        Map<String, Integer> byPod() {
            Map<String, Integer> m = new TreeMap<>();
            for (ClientResult r : results) {
                if (r.ok()) m.merge(r.pod().orElse("?" + r.answer()), 1, Integer::sum);
            }
            return m;
        }

        Set<String> pods() {
            return new TreeSet<>(byPod().keySet());
        }

        List<ClientResult> failures() {
            return results.stream().filter(r -> !r.ok()).toList();
        }

        List<ClientResult> successes() {
            return results.stream().filter(ClientResult::ok).toList();
        }

        @Override
        public String toString() {
            List<ClientResult> f = failures();
            return results.size() + " requests: " + byPod() + (f.isEmpty() ? "" : ", " + f.size() + " failed, e.g. " + f.getFirst());
        }
    }

    Tally tally(Testbed.Proto proto, Pod from, String ip, int port, int n) throws IOException {
        List<ClientResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) results.add(one(proto, from, ip, port));
        return new Tally(results);
    }

    /**
     * Sends batches of {@code batch} requests until one batch has no failure and is answered by
     * exactly {@code expectedPods} (every one at least once), for at most {@code bound}.
     *
     * @return that batch
     */
    Tally awaitServedBy(Testbed.Proto proto, Pod from, String ip, int port, Set<String> expectedPods,
                        int batch, Duration bound) throws IOException {
        return awaitBatch(proto, from, ip, port, batch, bound,
                t -> t.failures().isEmpty() && t.pods().equals(new TreeSet<>(expectedPods)),
                "answered by exactly " + new TreeSet<>(expectedPods));
    }

    /** Like {@link #awaitServedBy} with batches of max(12, 10 per backend) and a 20 s bound. */
    Tally awaitServedBy(Testbed.Proto proto, Pod from, String ip, int port, Set<String> expectedPods) throws IOException {
        return awaitServedBy(proto, from, ip, port, expectedPods, Math.max(12, 10 * expectedPods.size()), Duration.ofSeconds(20));
    }

    /** Polls single requests until one fails and the error matches, for at most {@code bound}. */
    ClientResult awaitFailure(Testbed.Proto proto, Pod from, String ip, int port, Predicate<String> error, Duration bound)
            throws IOException {
        return Poll.result(bound, Duration.ofMillis(50), () -> one(proto, from, ip, port, FAILURE_TIMEOUT),
                r -> !r.ok() && error.test(r.error()),
                last -> "a matching failure from " + from.name() + " to " + proto + " " + ip + ":" + port + "; last: " + last);
    }

    /** Sends batches of {@code batch} requests until one satisfies {@code done} (pausing 100 ms), for at most {@code bound}. */
    Tally awaitBatch(Testbed.Proto proto, Pod from, String ip, int port, int batch, Duration bound,
                     Predicate<Tally> done, String what) throws IOException {
        long start = System.nanoTime();
        int[] rounds = {0};
        Tally t = Poll.result(bound, Duration.ofMillis(100), () -> {
                    rounds[0]++;
                    return tally(proto, from, ip, port, batch);
                }, done,
                last -> proto + " " + ip + ":" + port + " from " + from.name() + (inCgroup ? " (in cgroup)" : "")
                        + " to be " + what + "; last round: " + last);
        E2eNode.log(String.format("%s %s:%d from %s: %s after %d round(s) in %.1f s, %.1f ms/request", proto, ip, port,
                from.name(), what, rounds[0], (System.nanoTime() - start) / 1e9,
                t.results().stream().mapToLong(ClientResult::millis).average().orElse(0)));
        return t;
    }

    /** A pause between paced requests (not a wait for a condition: that is {@link Poll}). */
    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
