package dev.senda.e2e;

import dev.senda.testbed.ChildProcesses;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The test's side of one pod's {@link NetpolProberMain} process: hands it a batch of probes and
 * collects every answer, bounded by the probe timeout plus a grace period. One batch at a time.
 */
final class NetpolProber implements AutoCloseable {
    /** What one probe asks: protocol, IP literal, port. */
    record Target(Testbed.Proto proto, String ip, int port) {
    }

    /** What one probe saw: the answer line, or null and why not. */
    record Result(String answer, String error) {
        boolean ok() {
            return answer != null;
        }

        /** The pod that answered (the echo servers' first word), or "" for a failed probe. */
        String pod() {
            return answer == null ? "" : answer.split(" ", 2)[0];
        }
    }

    private static final Duration START_BOUND = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private final Pod pod;
    private final ChildProcesses owner;
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private long batches;

    private NetpolProber(Pod pod, ChildProcesses owner, Process process) {
        this.pod = pod;
        this.owner = owner;
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread.ofPlatform().daemon().name("prober-" + pod.name()).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) lines.add(line);
            } catch (IOException e) {
                // the process ended; probe() notices its missing answers
            }
        });
    }

    /** Starts the prober in {@code pod} (inside the testbed's cgroup when {@code inCgroup}) and waits until it is ready. */
    static NetpolProber start(Testbed tb, Pod pod, boolean inCgroup, Path log) throws IOException {
        List<String> cmd = tb.clientCommand(pod, inCgroup,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), NetpolProberMain.class.getName());
        Process p = tb.processes().track(new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
        NetpolProber prober = new NetpolProber(pod, tb.processes(), p);
        String first = prober.next(START_BOUND);
        if (!"READY".equals(first)) {
            prober.close();
            throw new IOException("prober in " + pod.name() + " did not start (got '" + first + "'; see " + log + ")");
        }
        return prober;
    }

    /**
     * Runs every probe at once; each gets {@code timeout}. A probe whose answer has not come within
     * the timeout plus {@link #GRACE} (a starved prober on a busy machine) counts as failed with
     * "no answer", so the caller's next round asks again; answers that come later are recognized by
     * their batch number and dropped.
     *
     * @throws IOException when the prober process has exited
     */
    synchronized List<Result> probe(List<Target> targets, Duration timeout) throws IOException {
        if (!process.isAlive()) throw new IOException("prober in " + pod.name() + " has exited");
        long batch = ++batches;
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            lines.append(batch).append('.').append(i).append(' ').append(t.proto().name().toLowerCase()).append(' ')
                    .append(t.ip()).append(' ').append(t.port()).append(' ').append(timeout.toMillis()).append('\n');
        }
        stdin.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        Map<Integer, Result> results = new HashMap<>();
        long deadline = System.nanoTime() + timeout.plus(GRACE).toNanos();
        String prefix = batch + ".";
        while (results.size() < targets.size()) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? next(Duration.ofNanos(left)) : null;
            if (line == null) break;
            if (!line.startsWith(prefix)) continue; // a late answer of an earlier batch
            String[] f = line.split(" ", 3);
            int id = Integer.parseInt(f[0].substring(prefix.length()));
            String rest = f.length > 2 ? f[2] : "";
            results.put(id, f.length > 1 && f[1].equals("OK") ? new Result(rest, null) : new Result(null, rest));
        }
        List<Result> ordered = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            ordered.add(results.getOrDefault(i, new Result(null, "no answer from the prober within " + timeout.plus(GRACE))));
        }
        return ordered;
    }

    private String next(Duration bound) throws IOException {
        try {
            return lines.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            stdin.close(); // EOF ends the prober
        } catch (IOException e) {
            // stopped below anyway
        }
        owner.stop(process, Duration.ofMillis(500));
    }
}
