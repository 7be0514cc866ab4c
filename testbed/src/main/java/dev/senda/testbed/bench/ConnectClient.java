package dev.senda.testbed.bench;

import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The handle on one {@link ConnectClientMain} process in a testbed's client pod: commands written to
 * its stdin, each answer read from its stdout with a bound. The process is tracked by the testbed,
 * so it is stopped (by PID) with it even when the benchmark fails half-way.
 */
final class ConnectClient {
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path stderrLog;

    private ConnectClient(Process process, Path stderrLog) {
        this.process = process;
        this.stderrLog = stderrLog;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        // A platform thread: a virtual one would hold one of the few carrier threads for the whole
        // run while blocked on the pipe, and the testbed's own command runs (which drain their output
        // on virtual threads) would then starve.
        Thread.ofPlatform().daemon().name("connect-client-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) lines.add(line);
            } catch (IOException e) {
                // the process is gone
            }
            lines.add(EOF);
        });
    }

    /** Starts the client for {@code ip:port} in the pod (in the testbed's cgroup if {@code inCgroup}). */
    static ConnectClient start(Testbed tb, Pod pod, String ip, int port, boolean inCgroup, Path stderrLog) throws IOException {
        List<String> cmd = tb.clientCommand(pod, inCgroup,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.net.preferIPv4Stack=true", "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), ConnectClientMain.class.getName(), ip, Integer.toString(port));
        Process p = tb.processes().track(new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()))
                .start());
        return new ConnectClient(p, stderrLog);
    }

    /** {@code warmup K} or {@code run K}; returns the failures so far. */
    int batch(boolean measured, int count, Duration bound) throws IOException {
        String answer = command((measured ? "run " : "warmup ") + count, bound);
        if (!answer.startsWith("ok ")) throw new IOException("client answered '" + answer + "'");
        return Integer.parseInt(answer.substring(3).strip());
    }

    /** The statistics of every measured connection so far. */
    ConnectStats report() throws IOException {
        return ConnectStats.parse(command("report", Duration.ofSeconds(30)));
    }

    private String command(String line, Duration bound) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
        try {
            String answer = lines.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null) throw new IOException("client gave no answer to '" + line + "' within " + bound.toSeconds() + " s");
            if (answer.equals(EOF)) {
                lines.add(EOF);
                throw new IOException("client exited before answering '" + line + "': " + stderrTail());
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the client", e);
        }
    }

    private String stderrTail() {
        try {
            String s = Files.readString(stderrLog);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }
}
