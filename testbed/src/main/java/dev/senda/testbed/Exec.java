package dev.senda.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs short-lived commands (ip, sysctl, nsenter ...) with a time bound, capturing their output. */
public final class Exec {
    private Exec() {
    }

    /** What a finished command left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** @throws IOException naming the command, its exit code and stderr when it failed */
        public Result check() throws IOException {
            if (!ok()) {
                throw new IOException("`" + String.join(" ", command) + "` exited " + exitCode + ": " + stderr.strip());
            }
            return this;
        }
    }

    /** Runs the command and fails unless it exits 0 within 10 s. */
    public static Result check(String... command) throws IOException {
        return run(Duration.ofSeconds(10), command).check();
    }

    /**
     * Runs the command with stdin closed. A command still running after {@code timeout} is killed
     * (by its PID) and reported as exit code -1.
     */
    public static Result run(Duration timeout, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullFile())).start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                return new Result(List.of(command), -1, get(out), "timed out after " + timeout.toMillis() + " ms; " + get(err));
            }
            return new Result(List.of(command), p.exitValue(), get(out), get(err));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }

    static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }

    /** Reads a stream to its end on a virtual thread (a pipe left unread would block the child). */
    static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        });
        return f;
    }

    /**
     * Copies a process's output into {@code lines}, one element per line, then {@code eof} once the
     * stream ends, on a virtual thread: readers poll the queue with a bound instead of blocking on I/O.
     */
    static void pumpLines(InputStream in, java.util.concurrent.BlockingQueue<String> lines, String eof) {
        Thread.ofVirtual().start(() -> {
            try (java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) lines.add(line);
            } catch (IOException e) {
                // the process is gone
            }
            lines.add(eof);
        });
    }

    static String get(CompletableFuture<String> f) {
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException e) {
            // A grandchild may still hold the pipe open; what we have so far is not reachable, say so.
            return "(output not available: " + e + ")";
        }
    }
}
