package dev.senda.testbed;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived client process ({@link ClientMain}) in one pod, optionally inside the testbed's
 * cgroup (then socket LB applies to it), that makes requests on demand. Requests are serialized
 * per client; use two clients for concurrent load.
 */
public final class PodClient implements AutoCloseable {
    private static final String EOF = "\u0000EOF";
    private final Pod pod;
    private final boolean inCgroup;
    private final ChildProcesses owner;
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private PodClient(Pod pod, boolean inCgroup, ChildProcesses owner, Process process) {
        this.pod = pod;
        this.inCgroup = inCgroup;
        this.owner = owner;
        this.process = process;
        this.stdin = process.getOutputStream();
        Exec.pumpLines(process.getInputStream(), lines, EOF);
    }

    /**
     * Starts the client ({@code launcher} is the command prefix that puts it into the pod's namespace
     * and, if wanted, the cgroup) and waits at most {@code bound} until it is ready.
     */
    static PodClient start(Pod pod, boolean inCgroup, List<String> launcher, ChildProcesses owner, Path log,
                           Duration bound) throws IOException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-Xmx48m",
                // no -Djava.net.preferIPv4Stack: ClientMain picks each socket's family from its target
                "-cp", System.getProperty("java.class.path"), ClientMain.class.getName()));
        Process p = owner.track(new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start());
        PodClient client = new PodClient(pod, inCgroup, owner, p);
        String first = client.next(bound);
        if (!"READY".equals(first)) {
            client.close();
            throw new IOException("client in " + pod.name() + " did not start (got '" + first + "'; see " + log + ")");
        }
        return client;
    }

    public Pod pod() {
        return pod;
    }

    public boolean inCgroup() {
        return inCgroup;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** One TCP request to an IPv4 or IPv6 literal: connect, getpeername, read the answer line. */
    public ClientResult tcp(String ip, int port, Duration timeout) throws IOException {
        return request("tcp", ip, port, timeout);
    }

    /** One UDP request on a connected socket (of the target's family). */
    public ClientResult udp(String ip, int port, Duration timeout) throws IOException {
        return request("udp", ip, port, timeout);
    }

    /** One UDP request with sendto/recvfrom on an unconnected socket (socket LB: sendmsg4/recvmsg4 hooks). */
    public ClientResult udpUnconnected(String ip, int port, Duration timeout) throws IOException {
        return request("udpu", ip, port, timeout);
    }

    private synchronized ClientResult request(String proto, String ip, int port, Duration timeout) throws IOException {
        if (!process.isAlive()) throw new IOException("client in " + pod.name() + " has exited");
        stdin.write((proto + " " + ip + " " + port + " " + timeout.toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        String line = next(timeout.plusSeconds(5));
        if (line == null) throw new IOException("client in " + pod.name() + " did not answer within " + timeout.plusSeconds(5));
        if (line.equals(EOF)) throw new IOException("client in " + pod.name() + " exited");
        return parse(line);
    }

    static ClientResult parse(String line) throws IOException {
        String[] f = line.split(" ", 3);
        if (f.length < 3) throw new IOException("bad client output '" + line + "'");
        long ms = Long.parseLong(f[1]);
        if (f[0].equals("ERR")) return ClientResult.failure(f[2], ms);
        String[] rest = f[2].split(" ", 2);
        return ClientResult.success(rest.length > 1 ? rest[1] : "", rest[0], ms);
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
            stdin.close(); // EOF ends the client's loop
        } catch (IOException e) {
            // stopping it below anyway
        }
        owner.stop(process, Duration.ofMillis(500));
    }
}
