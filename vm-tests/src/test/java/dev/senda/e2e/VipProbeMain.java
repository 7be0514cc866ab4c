package dev.senda.e2e;

import dev.senda.testbed.bench.ServiceFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connects once to the VIP of every {@link ServiceFiles} Service, from inside a client pod's namespace
 * (and for socket LB the node's cgroup): one process for every VIP, so no fork per connection.
 *
 * <p>{@code VipProbeMain SERVICES ENDPOINTS PARALLEL TIMEOUT_MS OWNERS}: Service {@code i}'s VIP
 * {@link ServiceFiles#vip} port {@link ServiceFiles#PORT}; at most PARALLEL connections at once, each
 * bounded by TIMEOUT_MS for connect and again for the answer. The answer is the backend's echo line
 * {@code "<pod> <peer> <port>"}; it counts as right when the pod holds one of that Service's endpoints
 * (OWNERS: the pod of each endpoint block, comma-separated, {@link AnyIpBackends}) and the port is the
 * target port. Prints up to {@value #SHOWN} failures and wrong answers ({@code FAIL <vip> <reason>},
 * {@code WRONG <vip> <answer>}), then one line
 * {@code SUMMARY services=N answered=A wrong=W failed=F millis=T by_pod={..}} (answered counts right
 * answers only), and exits 0 whatever the outcome: the test judges the summary.
 */
public final class VipProbeMain {
    static final int SHOWN = 10;

    private VipProbeMain() {
    }

    /** The figures of the SUMMARY line. */
    record Summary(int services, int answered, int wrong, int failed, long millis, String byPod) {
        static Summary parse(String output) {
            String line = output.lines().filter(l -> l.startsWith("SUMMARY ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no SUMMARY line in the probe's output:\n" + output));
            Map<String, String> f = new TreeMap<>();
            for (String kv : line.substring("SUMMARY ".length()).split(" ", 6)) {
                int eq = kv.indexOf('=');
                f.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return new Summary(Integer.parseInt(f.get("services")), Integer.parseInt(f.get("answered")),
                    Integer.parseInt(f.get("wrong")), Integer.parseInt(f.get("failed")), Long.parseLong(f.get("millis")),
                    f.get("by_pod"));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: VipProbeMain SERVICES ENDPOINTS PARALLEL TIMEOUT_MS OWNERS");
            System.exit(2);
        }
        int services = Integer.parseInt(args[0]);
        int endpoints = Integer.parseInt(args[1]);
        int parallel = Integer.parseInt(args[2]);
        int timeout = Integer.parseInt(args[3]);
        List<String> owners = Arrays.asList(args[4].split(","));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

        AtomicInteger answered = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<String, AtomicInteger> byPod = new java.util.concurrent.ConcurrentHashMap<>();
        Queue<String> shown = new ConcurrentLinkedQueue<>();
        AtomicInteger shownCount = new AtomicInteger();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
            for (int i = 0; i < services; i++) {
                int svc = i;
                pool.execute(() -> {
                    String vip = ServiceFiles.ipv4(ServiceFiles.vip(svc));
                    String problem;
                    try {
                        String answer = probe(vip, timeout);
                        String[] parts = answer.split(" ");
                        Set<String> want = AnyIpBackends.podsOf(owners, svc, endpoints);
                        if (parts.length == 3 && want.contains(parts[0]) && parts[2].equals(Integer.toString(ServiceFiles.TARGET_PORT))) {
                            answered.incrementAndGet();
                            byPod.computeIfAbsent(parts[0], k -> new AtomicInteger()).incrementAndGet();
                            return;
                        }
                        wrong.incrementAndGet();
                        problem = "WRONG " + vip + " '" + answer + "' (expected one of " + want + ")";
                    } catch (IOException | RuntimeException e) {
                        failed.incrementAndGet();
                        problem = "FAIL " + vip + " " + e;
                    }
                    if (shownCount.incrementAndGet() <= SHOWN) shown.add(problem);
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination(services * 2L * timeout / parallel + 60_000, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        shown.forEach(out::println);
        out.println("SUMMARY services=" + services + " answered=" + answered + " wrong=" + wrong + " failed=" + failed
                + " millis=" + millis + " by_pod=" + new TreeMap<>(byPod));
    }

    /** One connection: connect, read the answer line, close (a reset: no TIME_WAIT piles up in the client). */
    private static String probe(String vip, int timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(vip), ServiceFiles.PORT), timeout);
            s.setSoTimeout(timeout);
            s.setSoLinger(true, 0);
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (line == null) throw new IOException("closed without an answer");
            return line.strip();
        }
    }
}
