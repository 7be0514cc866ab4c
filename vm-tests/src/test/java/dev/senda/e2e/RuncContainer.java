package dev.senda.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.senda.test.Poll;
import dev.senda.testbed.Exec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A container run by {@code runc} from an OCI runtime bundle, known by its id (runc's state lives in
 * {@code /run/runc/<id>}) and its init process's PID.
 *
 * <p>runc, not crun: Debian 12's crun 1.8 refuses hosts whose cgroup v2 hierarchy has a controller
 * while v1 is mounted too ("cgroups in hybrid mode not supported"), as on this machine kind; runc runs
 * there and on pure cgroup v2 nodes alike.
 *
 * <p>{@link #close()} kills and deletes the container ({@code runc delete -f}) whatever its state,
 * so nothing of it stays when a test fails.
 */
final class RuncContainer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String id;
    private final long pid;
    private boolean deleted;

    private RuncContainer(String id, long pid) {
        this.id = id;
        this.pid = pid;
    }

    /**
     * {@code runc run --detach}: starts the bundle's process and returns once it runs; its stdout and
     * stderr go to {@code log}.
     *
     * @throws IOException when runc fails (its message is at the end of the log)
     */
    static RuncContainer run(String id, Path bundle, Path log) throws IOException, InterruptedException {
        Path pidFile = bundle.resolve("container.pid");
        Process p = new ProcessBuilder("runc", "run", "--detach", "--bundle", bundle.toString(),
                "--pid-file", pidFile.toString(), id)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            new RuncContainer(id, -1).close();
            throw new IOException("runc run did not return within 60 s");
        }
        if (p.exitValue() != 0 || !Files.exists(pidFile)) {
            new RuncContainer(id, -1).close();
            throw new IOException("runc run exited " + p.exitValue() + ": " + Files.readString(log).strip());
        }
        return new RuncContainer(id, Long.parseLong(Files.readString(pidFile).strip()));
    }

    String id() {
        return id;
    }

    /** The container's init process (the agent's JVM) as the host sees it. */
    long pid() {
        return pid;
    }

    /** runc's {@code status}: created, running, stopped; "absent" when runc knows no such container. */
    String status() throws IOException {
        Exec.Result r = Exec.run(Duration.ofSeconds(10), "runc", "state", id);
        if (!r.ok()) return "absent";
        return JSON.readTree(r.stdout()).path("status").asText();
    }

    /**
     * Sends SIGTERM (what the kubelet sends first) and waits until the container has stopped.
     *
     * @throws AssertionError when it still runs after {@code bound}
     */
    void stop(Duration bound) throws IOException {
        Exec.run(Duration.ofSeconds(10), "runc", "kill", id, "TERM");
        Poll.until(bound, () -> {
            try {
                return !status().equals("running");
            } catch (IOException e) {
                return false;
            }
        }, () -> "container " + id + " still runs " + bound.toSeconds() + " s after SIGTERM");
    }

    /** {@code runc delete -f} (kills it first if it runs); then runc's state directory is gone. */
    @Override
    public synchronized void close() throws IOException {
        if (deleted) return;
        Exec.Result r = Exec.run(Duration.ofSeconds(30), "runc", "delete", "--force", id);
        if (!r.ok() && !status().equals("absent")) {
            throw new IOException("runc delete --force " + id + " exited " + r.exitCode() + ": " + r.stderr().strip());
        }
        deleted = true;
    }

    @Override
    public String toString() {
        return "container " + id + " (pid " + pid + ")";
    }
}
