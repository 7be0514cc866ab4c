package dev.senda.e2e;

import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A running {@link UdpStreamClient} (or {@link DnsStreamClient}) in a pod: its answers as they come, to ask when a given backend
 * first answered. The process is tracked by the node (stopped with it at the latest) and stopped by
 * {@link #close()}.
 */
final class UdpStream implements AutoCloseable {
    /** How long the client runs at most: longer than any scenario, so it never ends first. */
    private static final int MAX_SECONDS = 300;
    /** One round's wait for an answer: the client sends about this often while answers come. */
    static final int WAIT_MS = 100;

    private final Testbed node;
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private UdpStream(Testbed node, Process process) {
        this.node = node;
        this.process = process;
        Thread.ofVirtual().start(this::pump);
    }

    /** Starts the client in {@code from} (inside the node's cgroup if {@code inCgroup}) toward ip:port from sourcePort. */
    static UdpStream start(Testbed node, Pod from, boolean inCgroup, String ip, int port, int sourcePort)
            throws IOException {
        return start(node, from, inCgroup, "udp-stream-", UdpStreamClient.class, ip, Integer.toString(port), Integer.toString(sourcePort));
    }

    /**
     * Starts a {@link DnsStreamClient} in {@code from} asking the DNS server at {@code dnsIp} for
     * {@code name} from {@code sourcePort}; its OK lines carry the answer's first address.
     */
    static UdpStream startDns(Testbed node, Pod from, boolean inCgroup, String dnsIp, String name, int sourcePort)
            throws IOException {
        return start(node, from, inCgroup, "dns-stream-", DnsStreamClient.class, dnsIp, name, Integer.toString(sourcePort));
    }

    private static UdpStream start(Testbed node, Pod from, boolean inCgroup, String logPrefix, Class<?> main, String... args)
            throws IOException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        argv.addAll(List.of(args));
        argv.addAll(List.of(Integer.toString(WAIT_MS), Integer.toString(MAX_SECONDS)));
        List<String> cmd = node.clientCommand(from, inCgroup, argv.toArray(String[]::new));
        Process p = node.processes().track(new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(node.logDir().resolve(logPrefix + from.name() + ".log").toFile()))
                .start());
        return new UdpStream(node, p);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** When {@code backend} first answered at or after {@code since}, if it did. */
    Optional<Instant> firstAnswerFrom(Pod backend, Instant since) {
        synchronized (lines) {
            for (String l : lines) {
                String[] f = l.split(" ", 4);
                if (f.length >= 3 && f[0].equals("OK") && f[2].equals(backend.name())) {
                    Optional<Instant> at = at(l);
                    if (at.isPresent() && !at.get().isBefore(since)) return at;
                }
            }
        }
        return Optional.empty();
    }

    /** The times of the OK lines at or after {@code since}, in order. */
    List<Instant> answersSince(Instant since) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith("OK ")).map(UdpStream::at).flatMap(Optional::stream)
                    .filter(t -> !t.isBefore(since)).toList();
        }
    }

    /**
     * The longest time without an answer between {@code since} and the last answer: from
     * {@code since} to the first answer, and between answers in a row.
     */
    Duration longestGap(Instant since) {
        Duration longest = Duration.ZERO;
        Instant prev = since;
        for (Instant t : answersSince(since)) {
            Duration d = Duration.between(prev, t);
            if (d.compareTo(longest) > 0) longest = d;
            prev = t;
        }
        return longest;
    }

    /** When a line of the client's was written (its second field), if it is one. */
    private static Optional<Instant> at(String line) {
        String[] f = line.split(" ", 3);
        try {
            return f.length >= 2 ? Optional.of(Instant.ofEpochMilli(Long.parseLong(f[1]))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The output since {@code since} (at most the last {@code max} lines), for failure messages. */
    String tail(Instant since, int max) {
        synchronized (lines) {
            List<String> recent = lines.stream().filter(l -> at(l).map(t -> !t.isBefore(since)).orElse(true)).toList();
            return String.join("\n", recent.subList(Math.max(0, recent.size() - max), recent.size()));
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        node.processes().stop(process, Duration.ofMillis(500));
    }
}
