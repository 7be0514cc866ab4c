package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.ClientResult;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import dev.senda.testbed.Testbed;
import dev.senda.testbed.Testbed.Proto;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.senda.e2e.AgentNodeE2e.CONVERGE;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster DNS through Senda, on the Flannel-like layout (bridge + host-local pods, VXLAN between the
 * nodes): Debian's dnsmasq in a pod on node-2 ({@link DnsmasqPod}) behind the {@code kube-dns} ClusterIP
 * Service of {@code kube-system} (UDP and TCP 53), answering {@code NAME.NAMESPACE.svc.cluster.local}
 * with the Services' cluster IPs. Clients in pods of both nodes resolve with {@code dig} (UDP and TCP,
 * A and AAAA; no system resolver) through the Service and then connect to the answer. Then the DNS
 * pod is replaced under a resolver that keeps one connected UDP socket ({@link DnsStreamClient}): the
 * longest time without an answer is printed and must stay within a second. Subclasses choose the datapath.
 */
abstract class ClusterDnsE2e extends NodeDevicesClusterE2e {
    static final String KUBE_SYSTEM = "kube-system";
    /** The issue's bound: no query sticks to a removed DNS pod for more than this. */
    static final Duration MAX_GAP = Duration.ofSeconds(1);
    private static final int SOURCE_PORT = 35353;
    private final AtomicInteger dnsPods = new AtomicInteger();

    @Override
    CniLayout layout() {
        return CniLayout.BRIDGE_VXLAN_OVERLAY;
    }

    /** The kube-dns Service: an IPv4 cluster IP, ports dns (UDP 53) and dns-tcp (TCP 53). */
    private Service kubeDns() {
        Service s = KubeObjects.service("kube-dns", c.nextVip(IpFamily.IPV4), port("dns", "UDP", 53, 53),
                port("dns-tcp", "TCP", 53, 53));
        return new ServiceBuilder(s).editMetadata().withNamespace(KUBE_SYSTEM).addToLabels("k8s-app", "kube-dns").endMetadata().build();
    }

    private static EndpointSlice kubeDnsSlice(List<Pod> pods) {
        EndpointSlice s = KubeObjects.slice(IpFamily.IPV4, "kube-dns", "kube-dns-v4",
                List.of(slicePort("dns", "UDP", 53), slicePort("dns-tcp", "TCP", 53)), pods);
        return new EndpointSliceBuilder(s).editMetadata().withNamespace(KUBE_SYSTEM).endMetadata().build();
    }

    private static String fqdn(Service s) {
        return s.getMetadata().getName() + "." + s.getMetadata().getNamespace() + "." + DnsmasqPod.DOMAIN;
    }

    /** The records the DNS server holds: every Service's name with its cluster IPs. */
    private static Map<String, List<String>> records(Service... services) {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (Service s : services) m.put(fqdn(s), s.getSpec().getClusterIPs());
        return m;
    }

    /** A new pod on node-2 running dnsmasq with {@code records}. */
    private DnsmasqPod startDnsPod(Map<String, List<String>> records) throws IOException {
        Pod p = c.node2.addPod("dns-" + dnsPods.incrementAndGet());
        return DnsmasqPod.start(c.node2, p, records);
    }

    private void stopDnsPod(DnsmasqPod d) throws IOException {
        if (d == null) return;
        d.close();
        if (c.node2.pods().stream().anyMatch(p -> p.equals(d.pod()))) c.node2.removePod(d.pod().name());
    }

    /** {@code dig +short} from a pod (in its node's cgroup under socket LB): the answer's lines. */
    private List<String> dig(Pod from, String server, String name, String type, boolean tcp) throws IOException {
        Testbed node = c.cluster.nodeOf(from);
        List<String> cmd = node.clientCommand(from, socketLb(), "dig", "@" + server, name, type, "+short", "+time=1",
                "+tries=1", tcp ? "+tcp" : "+notcp");
        String out = Exec.run(Duration.ofSeconds(5), cmd.toArray(String[]::new)).stdout().strip();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    private static boolean sameAddress(List<String> answer, String expected) {
        return answer.size() == 1 && IpAddress.parse(answer.getFirst()).equals(IpAddress.parse(expected));
    }

    private void deleteQuietly(HasMetadata o) {
        try {
            c.delete(o);
        } catch (RuntimeException e) {
            E2eNode.log("could not delete " + o.getMetadata().getName() + ": " + e.getMessage());
        }
    }

    @Test
    @DisplayName("should provide DNS for services")
    void shouldProvideDnsForServices() throws IOException {
        Service web = TrafficPolicyObjects.echoService(c, "web");
        c.apply(web);
        TrafficPolicyObjects.readySlices("web", List.of(c.echo1a, c.echo2b)).forEach(c::apply);
        Service dnsService = kubeDns();
        DnsmasqPod dns = startDnsPod(records(web, dnsService));
        List<HasMetadata> created = new ArrayList<>(List.of(dnsService));
        try {
            c.apply(dnsService);
            EndpointSlice slice = kubeDnsSlice(List.of(dns.pod()));
            c.apply(slice);
            created.add(slice);
            String dnsVip = dnsService.getSpec().getClusterIP();
            for (Pod client : List.of(c.client1, c.client2)) {
                for (boolean tcp : new boolean[]{false, true}) {
                    for (IpFamily f : IpFamily.values()) {
                        String type = f == IpFamily.IPV4 ? "A" : "AAAA";
                        String expected = web.getSpec().getClusterIPs().stream().filter(ip -> KubeObjects.family(ip) == f).findFirst().orElseThrow();
                        String what = client.name() + " resolves " + fqdn(web) + " " + type + " over " + (tcp ? "TCP" : "UDP")
                                + " at " + dnsVip;
                        List<String> answer = Poll.result(CONVERGE, Duration.ofMillis(100), () -> dig(client, dnsVip, fqdn(web), type, tcp),
                                a -> sameAddress(a, expected), last -> what + " to " + expected + "; last: " + last);
                        // and connects to the answer
                        ClientResult r = c.cluster.request(Proto.TCP, client, answer.getFirst(), 80, socketLb(), Traffic.REQUEST_TIMEOUT);
                        assertTrue(r.ok(), what + ", then TCP to " + answer.getFirst() + ":80: " + r);
                        E2eNode.log(what + ": " + answer.getFirst() + ", then " + r.answer());
                    }
                }
            }
            assertTrue(dig(c.client1, dnsVip, "nothing.e2e." + DnsmasqPod.DOMAIN, "A", false).isEmpty(), "an unknown name has no address");
        } finally {
            created.reversed().forEach(this::deleteQuietly);
            stopDnsPod(dns);
        }
    }

    @Test
    @DisplayName("should keep resolving over one connected UDP socket while the DNS pod is replaced")
    void shouldKeepResolvingWhileTheDnsPodIsReplaced() throws IOException {
        Service web = TrafficPolicyObjects.echoService(c, "web-replaced");
        c.apply(web);
        Service dnsService = kubeDns();
        Map<String, List<String>> records = records(web, dnsService);
        DnsmasqPod dns1 = startDnsPod(records);
        DnsmasqPod dns2 = null;
        try {
            c.apply(dnsService);
            c.apply(kubeDnsSlice(List.of(dns1.pod())));
            String dnsVip = dnsService.getSpec().getClusterIP();
            String what = "UDP resolver " + c.client1.name() + ":" + SOURCE_PORT + " -> " + dnsVip + ":53";
            try (UdpStream stream = UdpStream.startDns(c.node1, c.client1, socketLb(), dnsVip, fqdn(web), SOURCE_PORT)) {
                Instant start = Instant.now();
                Poll.until(CONVERGE, () -> !stream.answersSince(start).isEmpty(), () -> what + " answered; last:\n" + stream.tail(start, 10));

                // a new DNS pod joins, the old one leaves the Service and is deleted
                dns2 = startDnsPod(records);
                c.apply(kubeDnsSlice(List.of(dns1.pod(), dns2.pod())));
                Instant changed = Instant.now();
                c.apply(kubeDnsSlice(List.of(dns2.pod())));
                stopDnsPod(dns1);
                Instant settled = changed.plus(Duration.ofSeconds(3));
                Poll.until(CONVERGE, () -> !stream.answersSince(settled).isEmpty(),
                        () -> what + " answered again after " + dns1.pod().name() + " left; last:\n" + stream.tail(changed, 20));
                Duration gap = stream.longestGap(changed);
                E2eNode.log(what + " (" + (socketLb() ? "socket LB" : "per-packet LB") + "): longest time without an answer after "
                        + dns1.pod().name() + " left the Service: " + gap.toMillis() + " ms");
                assertTrue(gap.compareTo(MAX_GAP) <= 0, what + ": no answer for " + gap.toMillis() + " ms (bound "
                        + MAX_GAP.toMillis() + " ms):\n" + stream.tail(changed, 30));
            }
        } finally {
            deleteQuietly(kubeDnsSlice(List.of()));
            deleteQuietly(dnsService);
            stopDnsPod(dns1);
            stopDnsPod(dns2);
        }
    }
}
