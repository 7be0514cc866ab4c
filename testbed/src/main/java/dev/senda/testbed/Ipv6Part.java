package dev.senda.testbed;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Whether the demo's IPv6 measurements count, decided once, after the agent synced the Service
 * (see {@link Demo.Ipv6}), and what to say about it.
 *
 * @param counts  whether traffic to the IPv6 cluster IP is measured, its failures failing the demo
 * @param summary one line for the end of the demo
 */
record Ipv6Part(boolean counts, String summary) {

    /**
     * Decides, printing why. In {@link Demo.Ipv6#AUTO} mode the IPv6 part counts when
     * {@code senda bpf lb list} names the VIP (the agent programmed it) or when a probe request
     * answers anyway; otherwise the demo says the VIP is not programmed by this agent.
     *
     * @param vip6 the Service's IPv6 cluster IP, or null when it has none
     */
    static Ipv6Part decide(Demo.Ipv6 mode, String vip6, AgentProcess agent, Spread spread, int tcpPort, PrintStream out)
            throws IOException {
        if (vip6 == null) {
            out.println("  (the Service has no IPv6 cluster IP: no IPv6 traffic)");
            return new Ipv6Part(false, "none in the example Service");
        }
        out.println("  IPv6 cluster IP " + vip6 + ":");
        switch (mode) {
            case SKIP -> {
                out.println("    skipped (--ipv6=skip)");
                return new Ipv6Part(false, "skipped (--ipv6=skip)");
            }
            case REQUIRE -> {
                return new Ipv6Part(true, "required to answer (--ipv6=require); its answers are above");
            }
            default -> {
                Exec.Result list = agent.lbList();
                if (list.ok() && list.stdout().contains(vip6)) {
                    return new Ipv6Part(true, "programmed by the agent (bpf lb list names it); its answers are above");
                }
                ClientResult probe = spread.one(Testbed.Proto.TCP, vip6, tcpPort);
                if (probe.ok()) {
                    out.println("    (bpf lb list does not name it, but it answers: measuring)");
                    return new Ipv6Part(true, "answers (bpf lb list does not name it); its answers are above");
                }
                out.println("    not programmed: bpf lb list names no " + vip6 + ", and a TCP request to [" + vip6 + "]:"
                        + tcpPort + " gets '" + probe.error() + "'");
                out.println("    this agent does not serve IPv6 Services yet: the IPv4 half is the demo today"
                        + " (--ipv6=require makes this an error, --ipv6=skip stops trying)");
                return new Ipv6Part(false, "not programmed by this agent (IPv6 Services are not served yet); "
                        + "not counted (--ipv6=auto)");
            }
        }
    }
}
