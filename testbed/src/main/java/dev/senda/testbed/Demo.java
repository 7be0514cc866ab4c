package dev.senda.testbed;

import dev.senda.net.IpFamily;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code senda demo}: a node in network namespaces (three dual-stack echo pods and a client), the real
 * agent reading the dual-stack Service and its two EndpointSlices of {@code examples/demo-service.yaml}
 * from a directory, requests to both cluster IPs with their spread over the backends, an endpoint
 * removed and added back by editing the EndpointSlice files, {@code senda bpf lb list}, forwarding
 * that survives the agent's SIGTERM, and {@code senda cleanup}. Everything it creates is removed at
 * the end, on failure, and on Ctrl-C (the testbed's shutdown hook stops and cleans up the agent, then
 * deletes the namespaces).
 *
 * <p>The IPv6 cluster IP is handled as {@link Options#ipv6()} says ({@link Ipv6}): by default
 * ({@value #IPV6_DEFAULT}) an IPv6 cluster IP that does not answer fails the demo, as the IPv4 one
 * does; {@code auto} counts IPv6 only where the agent programmed it, {@code skip} leaves it out.
 */
public final class Demo {
    /** The demo's pods, in testbed order: echo-a gets 10.244.0.10 and fd00:10:244::10, ..., client ...13. */
    static final List<String> BACKENDS = List.of("echo-a", "echo-b", "echo-c");
    static final String CLIENT = "client";
    /** The pod ranges the example YAML was written for: 10.244.0.0/24 and fd00:10:244::/64. */
    static final int SUBNET_OCTET = 0;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    static final Duration CONVERGE = Duration.ofSeconds(20);

    /** The default of {@code --ipv6}: the agent serves IPv6 Services, so an IPv6 VIP that does not answer fails the demo. */
    public static final String IPV6_DEFAULT = "require";

    /** What the demo does with the Service's IPv6 cluster IP. */
    public enum Ipv6 {
        /**
         * Send IPv6 traffic to the VIP; it counts (a failure fails the demo) when the agent programmed
         * the VIP ({@code bpf lb list} names it) or the VIP answers anyway; otherwise the demo says the
         * IPv6 VIP is not programmed by this agent and goes on.
         */
        AUTO,
        /** The IPv6 VIP must answer like the IPv4 one; anything else fails the demo. */
        REQUIRE,
        /** No IPv6 traffic to the VIP at all. */
        SKIP;

        /** The spelling of {@code --ipv6}. */
        public static Ipv6 parse(String text) {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        }
    }

    private final Options options;

    /**
     * What to run.
     *
     * @param examplesDir the repository's {@code examples/} (the demo reads
     *                    {@value DemoExamples#DEMO_FILE} and copies every other {@code *.yaml} there too)
     * @param socketLb    socket LB (client inside the agent's cgroup) or per-packet tc LB (client outside)
     * @param requests    requests per measurement
     * @param workDir     where the agent's source directory and logs go (kept afterwards for reading)
     * @param ipv6        what to do with the IPv6 cluster IP
     */
    public record Options(Path examplesDir, boolean socketLb, int requests, Path workDir, Ipv6 ipv6) {
        public Options {
            if (requests < 1 || requests > 10_000) throw new IllegalArgumentException("requests: 1..10000");
            if (ipv6 == null) throw new IllegalArgumentException("ipv6: auto, require or skip");
        }

        /**
         * Defaults: {@code $senda.home/examples} (the launcher sets senda.home), else ./examples; socket
         * LB; 30 requests; a new directory under /tmp; IPv6 {@value #IPV6_DEFAULT}.
         */
        public static Options defaults() throws IOException {
            String home = System.getProperty("senda.home");
            Path examples = home != null ? Path.of(home, "examples") : Path.of("examples");
            return new Options(examples.toAbsolutePath(), true, 30, Files.createTempDirectory("senda-demo-"),
                    Ipv6.parse(IPV6_DEFAULT));
        }
    }

    public Demo(Options options) {
        this.options = options;
    }

    /**
     * Runs the demo, printing what happens.
     *
     * @return 0 when every step behaved as expected, 1 otherwise (the reason is printed)
     * @throws IOException when the node or the agent cannot be set up (nothing is left behind)
     */
    public int run(PrintStream out) throws IOException {
        DemoExamples examples = DemoExamples.read(options.examplesDir());
        String vip4 = examples.clusterIp(IpFamily.IPV4)
                .orElseThrow(() -> new IOException("Service " + examples.serviceName() + " has no IPv4 cluster IP"));
        String vip6 = examples.clusterIp(IpFamily.IPV6).orElse(null);
        ServicePort tcp = examples.port("TCP");
        ServicePort udp = examples.port("UDP");

        Path work = options.workDir();
        Path source = Files.createDirectories(work.resolve("source"));
        Path logs = Files.createDirectories(work.resolve("logs"));
        title(out, "Senda demo: one node in network namespaces, the real agent, a dual-stack ClusterIP Service over TCP and UDP");
        out.println("work directory: " + work + " (agent log and YAML stay there)");

        List<String> podNames = new ArrayList<>(BACKENDS);
        podNames.add(CLIENT);
        step(out, "building the node");
        try (Testbed tb = Testbed.builder().pods(podNames.toArray(String[]::new)).subnet(SUBNET_OCTET).logDir(logs).build()) {
            out.println("  node namespace " + tb.nodeNetns() + " (" + tb.nodeIp() + ", " + tb.nodeIpv6() + "), cgroup " + tb.cgroupDir());
            for (Pod p : tb.pods()) {
                out.printf("  pod %-7s %-12s %-16s netns %-16s device %s%n", p.name(), p.ip(), p.ipv6(), p.netns(), p.hostDevice());
            }
            examples.checkSlicesMatch(tb, BACKENDS);
            int tcpTarget = tcp.getTargetPort().getIntVal();
            int udpTarget = udp.getTargetPort().getIntVal();
            for (String b : BACKENDS) {
                tb.startEchoServer(tb.pod(b), Testbed.Proto.TCP, tcpTarget);
                tb.startEchoServer(tb.pod(b), Testbed.Proto.UDP, udpTarget);
            }
            out.println("  echo servers answer '<pod> <client address> <port>' on TCP " + tcpTarget + " and UDP " + udpTarget
                    + " (one dual-stack socket each: IPv4 and IPv6)");

            Pod client = tb.pod(CLIENT);
            boolean inCgroup = options.socketLb();
            Spread spread = new Spread(tb, client, inCgroup, options.requests(), CONVERGE, REQUEST_TIMEOUT);
            // Before Senda runs: pod to pod over IPv6 must work on its own, so an IPv6 VIP that does not
            // answer later is about the datapath, not the node.
            ClientResult direct = spread.one(Testbed.Proto.TCP, tb.pod(BACKENDS.getFirst()).ipv6(), tcpTarget);
            out.println("  pod to pod over IPv6, no Senda involved: " + client.name() + " -> [" + tb.pod(BACKENDS.getFirst()).ipv6()
                    + "]:" + tcpTarget + " " + (direct.ok() ? "answered '" + direct.answer() + "'" : "FAILED: " + direct.error()));
            boolean ok = direct.ok();

            examples.writeAll(source);
            step(out, "starting the agent: senda agent --source dir:" + source
                    + " --socket-lb=" + options.socketLb() + " --pod-devices '" + tb.podDeviceGlob() + "'");
            long t0 = System.nanoTime();
            AgentProcess agent = AgentProcess.start(tb,
                    AgentProcess.Settings.directory(tb, source, options.socketLb(), logs.resolve("agent.log")),
                    Duration.ofSeconds(90));
            out.printf("  /healthz answered 200 after %.1f s (log: %s)%n", (System.nanoTime() - t0) / 1e9, logs.resolve("agent.log"));
            out.println("  client " + client.ip() + " / " + client.ipv6() + (inCgroup
                    ? " runs inside the agent's cgroup (socket LB translates its connect())"
                    : " runs outside the cgroup (tc on " + client.hostDevice() + " translates its packets)"));

            step(out, "Service " + examples.serviceName() + " (" + String.join(", ", examples.service().getSpec().getIpFamilies())
                    + ") on " + vip4 + (vip6 != null ? " and " + vip6 : "") + ": " + tcp.getPort() + "/TCP -> " + tcpTarget
                    + ", " + udp.getPort() + "/UDP -> " + udpTarget);
            Set<String> all = Set.copyOf(BACKENDS);
            out.println("  IPv4 cluster IP " + vip4 + ":");
            ok &= spread.await(out, Testbed.Proto.TCP, vip4, tcp.getPort(), all);
            ok &= spread.await(out, Testbed.Proto.UDP, vip4, udp.getPort(), all);
            // decided once, now that the agent has synced the whole Service (its IPv4 half answers)
            Ipv6Part ipv6 = Ipv6Part.decide(options.ipv6(), vip6, agent, spread, tcp.getPort(), out);
            if (ipv6.counts()) {
                ok &= spread.await(out, Testbed.Proto.TCP, vip6, tcp.getPort(), all);
                ok &= spread.await(out, Testbed.Proto.UDP, vip6, udp.getPort(), all);
            }

            List<String> withoutC = BACKENDS.subList(0, 2);
            List<String> files = examples.writeSlicesWith(source, withoutC);
            step(out, "removing echo-c from the EndpointSlices (rewriting " + String.join(", ", files) + ")");
            ok &= awaitBoth(out, spread, ipv6, vip4, vip6, tcp.getPort(), Set.copyOf(withoutC));

            step(out, "adding echo-c back");
            examples.writeSlicesWith(source, BACKENDS);
            ok &= awaitBoth(out, spread, ipv6, vip4, vip6, tcp.getPort(), all);

            step(out, "senda bpf lb list --bpffs-root " + agent.settings().bpffsRoot());
            Exec.Result list = agent.lbList();
            out.print(indent(list.ok() ? list.stdout() : list.stdout() + list.stderr()));
            ok &= list.ok();

            step(out, "stopping the agent (SIGTERM): the datapath stays and keeps forwarding");
            int exit = agent.stop();
            out.println("  agent exited with " + exit);
            ok &= exit == 0;
            ok &= spread.show(out, Testbed.Proto.TCP, vip4, tcp.getPort(), all);
            if (ipv6.counts()) ok &= spread.show(out, Testbed.Proto.TCP, vip6, tcp.getPort(), all);

            step(out, "senda cleanup --bpffs-root " + agent.settings().bpffsRoot() + " --cgroup-root " + tb.cgroupDir());
            Exec.Result cleanup = agent.cleanup();
            out.print(indent(cleanup.stdout() + (cleanup.ok() ? "" : cleanup.stderr())));
            ok &= cleanup.ok();
            ClientResult after = tb.tcp(client, vip4, tcp.getPort(), inCgroup, REQUEST_TIMEOUT);
            out.println("  a request to " + vip4 + ":" + tcp.getPort() + " now: " + (after.ok() ? after.answer() : after.error()));

            step(out, "removing the node (namespaces, veths, cgroup)");
            tb.close();
            out.println();
            out.println("IPv6 cluster IP: " + ipv6.summary());
            out.println(ok ? "demo finished: every step behaved as expected" : "demo finished WITH PROBLEMS (see above)");
            return ok ? 0 : 1;
        }
    }

    /** TCP to the IPv4 VIP, and to the IPv6 VIP where that part counts, until exactly {@code expected} answer. */
    private static boolean awaitBoth(PrintStream out, Spread spread, Ipv6Part ipv6, String vip4, String vip6, int port,
                                     Set<String> expected) throws IOException {
        boolean ok = spread.await(out, Testbed.Proto.TCP, vip4, port, expected);
        if (ipv6.counts()) ok &= spread.await(out, Testbed.Proto.TCP, vip6, port, expected);
        return ok;
    }

    // ---------------------------------------------------------------- output

    private static void title(PrintStream out, String text) {
        out.println(text);
        out.println("=".repeat(Math.min(100, text.length())));
    }

    static void step(PrintStream out, String text) {
        out.println();
        out.println("==> " + text);
    }

    static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.strip().split("\n")) b.append("  ").append(line).append('\n');
        return b.toString();
    }
}
