package dev.senda.e2e;

import dev.senda.testbed.Exec;
import dev.senda.testbed.Testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Catches DNS queries sent from the node's network namespace: every IPv4 nameserver of
 * {@code /etc/resolv.conf} (what glibc, and so the JVM's default resolver, asks) is added to the
 * node namespace's loopback, and a socat there appends every UDP datagram sent to it on port 53 to a
 * file. The host's nameservers are otherwise unreachable from the node namespace, so without the trap
 * a lookup would fail silently; with it, any lookup leaves bytes in the file. {@link #start} proves the
 * trap works with a real lookup ({@code getent hosts}) before the test relies on it.
 *
 * <p>Only UDP is caught: glibc asks over TCP only after a truncated UDP answer, which the trap never
 * sends. The addresses go with the node namespace, socat with the testbed's tracked processes.
 */
final class DnsTrap {
    private final Path file;
    private final long baseline;

    private DnsTrap(Path file, long baseline) {
        this.file = file;
        this.baseline = baseline;
    }

    static DnsTrap start(Testbed tb) throws IOException {
        List<String> servers = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver") && f[1].matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) servers.add(f[1]);
        }
        if (servers.isEmpty()) servers.add("127.0.0.1"); // glibc's default without a nameserver line
        Path file = tb.logDir().resolve(tb.prefix() + "-dns-trap.bin");
        Files.deleteIfExists(file);
        String netns = "--net=" + tb.nodeNetnsPath();
        for (String ns : servers) {
            if (!ns.startsWith("127.")) Exec.check("nsenter", netns, "ip", "addr", "add", ns + "/32", "dev", "lo");
            tb.processes().track(new ProcessBuilder("nsenter", netns, "socat", "-u",
                    "UDP4-RECV:53,bind=" + ns + ",reuseaddr", "OPEN:" + file + ",creat,append")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        }
        // Self-check: a lookup from the node namespace must land in the trap (socat may still be binding).
        for (int i = 0; i < 20 && size(file) == 0; i++) {
            Exec.run(Duration.ofSeconds(3), "nsenter", netns, "getent", "hosts", "dns-trap-selfcheck.invalid");
        }
        if (size(file) == 0) throw new IOException("the DNS trap on " + servers + " caught no query of a lookup made to test it");
        E2eNode.log("DNS trap on " + servers + " in the node namespace; self-check caught " + size(file) + " bytes");
        return new DnsTrap(file, size(file));
    }

    /** Bytes of DNS queries caught since the self-check. */
    long queriesBytes() throws IOException {
        return size(file) - baseline;
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }
}
