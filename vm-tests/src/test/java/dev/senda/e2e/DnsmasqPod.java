package dev.senda.e2e;

import dev.senda.test.Poll;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A cluster DNS server in a pod: Debian's dnsmasq, started by the test as a foreground process in the
 * pod's namespace (tracked by the node by PID, stopped by {@link #close()}), answering
 * {@code NAME.NAMESPACE.svc.cluster.local} with the Services' cluster IPs (A and AAAA, from a hosts file
 * the test writes, TTL 0) on UDP and TCP port 53, and NXDOMAIN for every other name under
 * {@code cluster.local}. No upstream servers, no system files read ({@code --conf-file=/dev/null
 * --no-resolv --no-hosts}), no PID file, logs to the test's log directory.
 */
final class DnsmasqPod implements AutoCloseable {
    static final String DNSMASQ = "/usr/sbin/dnsmasq";
    static final String DOMAIN = "svc.cluster.local";

    private final Testbed node;
    private final Pod pod;
    private final Process process;

    private DnsmasqPod(Testbed node, Pod pod, Process process) {
        this.node = node;
        this.pod = pod;
        this.process = process;
    }

    /**
     * Starts dnsmasq in {@code pod} serving {@code records} (fully qualified name -> its cluster IPs)
     * and waits (at most 10 s) until it answers a query inside the pod.
     */
    static DnsmasqPod start(Testbed node, Pod pod, Map<String, List<String>> records) throws IOException {
        if (!Files.isExecutable(Path.of(DNSMASQ))) throw new IOException("no " + DNSMASQ + ": install Debian's dnsmasq-base");
        Path hosts = node.logDir().resolve("dns-" + node.prefix() + "-" + pod.name() + ".hosts");
        Files.writeString(hosts, records.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(ip -> ip + " " + e.getKey()))
                .collect(Collectors.joining("\n", "", "\n")));
        Path log = node.logDir().resolve("dns-" + node.prefix() + "-" + pod.name() + ".log");
        List<String> cmd = List.of("nsenter", "--net=" + pod.netnsPath(), DNSMASQ, "--keep-in-foreground",
                "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--addn-hosts=" + hosts, "--local=/cluster.local/",
                "--port=53", "--user=root", "--pid-file", "--log-queries", "--log-facility=-", "--cache-size=0");
        Process p = node.processes().track(new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true).start());
        DnsmasqPod d = new DnsmasqPod(node, pod, p);
        try {
            String name = records.keySet().iterator().next();
            Poll.result(Duration.ofSeconds(10), Duration.ofMillis(50), () -> p.isAlive() ? d.dig(pod.ip(), name, false) : "exited",
                    r -> !r.isEmpty(), last -> "dnsmasq in " + pod.name() + " to answer " + name + "; last: " + last);
            if (!p.isAlive()) throw new IOException("dnsmasq in " + pod.name() + " exited " + p.exitValue() + "; see " + log);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** {@code dig +short} of {@code name}'s A record at {@code server}, from the DNS pod itself. */
    private String dig(String server, String name, boolean tcp) throws IOException {
        return Exec.run(Duration.ofSeconds(5), "nsenter", "--net=" + pod.netnsPath(), "dig", "@" + server, name, "A", "+short",
                "+time=1", "+tries=1", tcp ? "+tcp" : "+notcp").stdout().strip();
    }

    Pod pod() {
        return pod;
    }

    /** Stops dnsmasq (by its PID). */
    @Override
    public void close() {
        node.processes().stop(process, Duration.ofSeconds(2));
    }
}
