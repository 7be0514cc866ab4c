package dev.senda.testbed.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The measuring client of {@link ConnectBench}, a long-lived process inside the client pod's
 * namespace (and, for socket LB, inside the testbed's cgroup, which only a process can join):
 * {@code ConnectClientMain IP PORT}. It reads commands on stdin, one per line, and answers each
 * with one line on stdout, so the benchmark can interleave short batches of every datapath and a
 * busy spell of a shared machine falls on all of them alike:
 *
 * <ul>
 *   <li>{@code warmup K}: K connections, not measured (the JIT and caches settle); answers {@code ok F}
 *       with F the failures so far;</li>
 *   <li>{@code run K}: K measured connections; answers {@code ok F};</li>
 *   <li>{@code report}: answers
 *       {@code connect ok=N failed=F p50_ns=.. p99_ns=.. mean_ns=.. elapsed_ns=.. first_error=..} over
 *       every measured connection so far ({@link ConnectStats#parse});</li>
 *   <li>end of input: exits.</li>
 * </ul>
 *
 * <p>One connection at a time: its latency is the time from {@code connect()} until the
 * connection is established (SYN out, SYN-ACK back: the whole translation path of the first packet
 * and of its answer). The socket is non-blocking and the client spins on {@code finishConnect()}
 * instead of sleeping in a blocking connect: on a busy shared machine a sleeping client's wake-up
 * waits for the scheduler, which would drown the datapath's microseconds. Each socket is then
 * closed with a reset (SO_LINGER 0), so no TIME_WAIT builds up and ports are not exhausted however
 * long the run. The rate is measured connections over the summed wall time of the {@code run}
 * batches (connect and close). A batch stops early after {@value #MAX_FAILURES} failures in total;
 * a connection not established within 5 s is one.
 */
public final class ConnectClientMain {
    static final int MAX_FAILURES = 20;
    private static final long CONNECT_TIMEOUT_NANOS = 5_000_000_000L;

    private final InetSocketAddress target;
    private long[] latencies = new long[1024];
    private int ok;
    private int failed;
    private long elapsed;
    private String firstError = "-";

    private ConnectClientMain(InetSocketAddress target) {
        this.target = target;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ConnectClientMain IP PORT   (commands on stdin: warmup K, run K, report)");
            System.exit(2);
        }
        ConnectClientMain client = new ConnectClientMain(new InetSocketAddress(InetAddress.ofLiteral(args[0]), Integer.parseInt(args[1])));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] cmd = line.strip().split("\\s+");
            String answer = switch (cmd[0]) {
                case "warmup" -> client.batch(Integer.parseInt(cmd[1]), false);
                case "run" -> client.batch(Integer.parseInt(cmd[1]), true);
                case "report" -> client.report();
                default -> "error unknown command '" + line.strip() + "'";
            };
            System.out.println(answer);
            System.out.flush();
        }
    }

    private String batch(int count, boolean measured) {
        long start = System.nanoTime();
        for (int i = 0; i < count && failed < MAX_FAILURES; i++) {
            try {
                long l = connectOnce();
                if (measured) {
                    if (ok == latencies.length) latencies = Arrays.copyOf(latencies, ok * 2);
                    latencies[ok++] = l;
                }
            } catch (IOException e) {
                failed++;
                if ("-".equals(firstError)) firstError = (measured ? "" : "warmup: ") + e;
            }
        }
        if (measured) elapsed += System.nanoTime() - start;
        return "ok " + failed;
    }

    private String report() {
        long[] sorted = Arrays.copyOf(latencies, ok);
        Arrays.sort(sorted);
        long sum = 0;
        for (long l : sorted) sum += l;
        return String.format(Locale.ROOT, "connect ok=%d failed=%d p50_ns=%d p99_ns=%d mean_ns=%d elapsed_ns=%d first_error=%s",
                ok, failed, percentile(sorted, 50), percentile(sorted, 99), ok == 0 ? 0 : sum / ok, elapsed,
                firstError.replace(' ', '_'));
    }

    /**
     * Nanoseconds from {@code connect()} until the connection is established, polled without
     * sleeping; the socket is reset right after.
     */
    private long connectOnce() throws IOException {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            ch.configureBlocking(false);
            long t0 = System.nanoTime();
            if (!ch.connect(target)) {
                while (!ch.finishConnect()) {
                    if (System.nanoTime() - t0 > CONNECT_TIMEOUT_NANOS) throw new IOException("connect timed out after 5 s");
                    Thread.onSpinWait();
                }
            }
            return System.nanoTime() - t0;
        }
    }

    /** Nearest-rank percentile of a sorted array; 0 for an empty one. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
