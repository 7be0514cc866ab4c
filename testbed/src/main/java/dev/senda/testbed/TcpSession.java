package dev.senda.testbed;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived TCP connection (or SCTP association) made by a client process in a pod (socat between
 * its stdio and the connection), to prove that an established connection survives endpoint changes.
 */
public final class TcpSession implements AutoCloseable {
    private static final String EOF = "\u0000EOF";
    private final Process process;
    private final ChildProcesses owner;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final java.util.concurrent.CompletableFuture<String> stderr;

    TcpSession(List<String> command, ChildProcesses owner) throws IOException {
        this.owner = owner;
        this.process = owner.track(new ProcessBuilder(command).start());
        this.stdin = process.getOutputStream();
        this.stderr = Exec.drain(process.getErrorStream());
        Exec.pumpLines(process.getInputStream(), lines, EOF);
    }

    /** Sends one line over the connection. */
    public void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /**
     * The next line the server sent, waiting at most {@code bound}.
     *
     * @throws IOException when the connection ended (with the client's error) or nothing came in time
     */
    public String readLine(Duration bound) throws IOException {
        try {
            String line = lines.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) throw new IOException("no line within " + bound.toMillis() + " ms");
            if (line.equals(EOF)) {
                lines.add(EOF);
                throw new IOException("connection ended: " + Exec.get(stderr).strip());
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        owner.stop(process, Duration.ofMillis(500));
    }
}
