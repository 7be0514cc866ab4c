package dev.senda.e2e;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.test.Poll;
import dev.senda.testbed.Exec;
import dev.senda.testbed.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.senda.e2e.AgentNodeE2e.CONVERGE;
import static dev.senda.e2e.KubeObjects.port;
import static dev.senda.e2e.KubeObjects.slicePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An nginx Ingress controller through Senda, on the Calico-like layout (ptp + host-local pods, plain
 * routes between the nodes): nginx from Debian in a pod on node-1 ({@link NginxIngressPod}) routes by
 * host ({@code a.example.test}, {@code b.example.test}) and by path ({@code paths.example.test/a/},
 * {@code /b/}) to two Services, terminates TLS with a certificate the test makes (openssl), and is
 * exposed by a LoadBalancer Service with externalTrafficPolicy Local whose ingress IPs are routed
 * through node-1. The external client (curl) reaches both Services over HTTP and HTTPS in both
 * families, the controller sees the client's own address, and the backends of one Service are
 * replaced while requests run without a failed request. Subclasses choose the datapath.
 */
abstract class NginxIngressE2e extends NodeDevicesClusterE2e {
    private static final int HTTP_BACKEND = 8088;
    /** Requests of the replacement loop: at most this many, each bounded by curl's own timeout. */
    private static final int MAX_LOOP_REQUESTS = 400;

    @Override
    CniLayout layout() {
        return CniLayout.PTP_HOST_LOCAL_ROUTED;
    }

    private static List<EndpointPort> httpPorts() {
        return List.of(slicePort("http", "TCP", HTTP_BACKEND));
    }

    private Service httpService(String name) {
        Service s = KubeObjects.dualStackService(name, c.nextVip(IpFamily.IPV4), c.nextVip(IpFamily.IPV6),
                port("http", "TCP", 80, HTTP_BACKEND));
        return c.apply(s);
    }

    private void endpoints(String service, List<Pod> pods) {
        for (IpFamily f : IpFamily.values()) {
            EndpointSlice s = KubeObjects.slice(f, service, service + (f == IpFamily.IPV4 ? "-v4" : "-v6"), httpPorts(), pods);
            c.apply(s);
        }
    }

    /** The backend addresses node-1's maps hold for {@code clusterIp:port}, in slot order. */
    private List<String> programmedBackends(String clusterIp, int port) {
        return ProgrammedFrontends.at(c, c.node1, Set.of(clusterIp)).stream().filter(r -> r.port() == port)
                .flatMap(r -> r.backends().stream()).map(s -> s.address() == null ? "<missing>" : s.address()).toList();
    }

    /** A self-signed certificate for the Ingress hosts (openssl), valid for a day. */
    private static Path[] certificate(Path dir) throws IOException {
        Path key = dir.resolve("tls.key");
        Path cert = dir.resolve("tls.crt");
        Exec.run(Duration.ofSeconds(30), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "1", "-subj", "/CN=a.example.test",
                "-addext", "subjectAltName=DNS:a.example.test,DNS:b.example.test,DNS:paths.example.test").check();
        return new Path[]{cert, key};
    }

    /** One curl from the external client: "code body", or "000 error" when it failed. */
    private String curl(boolean https, String host, String path, String ingressIp, Path ca) throws IOException {
        IpAddress ip = IpAddress.parse(ingressIp).orElseThrow();
        int port = https ? 443 : 80;
        String bracketed = ip.isIpv4() ? ingressIp : "[" + ingressIp + "]";
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + c.external.netnsPath(), "curl", "-sS", "-g",
                "--max-time", "3", "--resolve", host + ":" + port + ":" + bracketed, "-w", " %{http_code}"));
        if (https) cmd.addAll(List.of("--cacert", ca.toString()));
        cmd.add((https ? "https://" : "http://") + host + path);
        Exec.Result r = Exec.run(Duration.ofSeconds(6), cmd.toArray(String[]::new));
        String out = r.stdout().strip();
        int space = out.lastIndexOf(' ');
        String code = space < 0 ? out : out.substring(space + 1);
        String body = space < 0 ? "" : out.substring(0, space).strip();
        return code + " " + (r.ok() ? body : r.stderr().strip());
    }

    @Test
    @DisplayName("should route by host and path over HTTP and HTTPS through a LoadBalancer with externalTrafficPolicy Local, seeing the client's address, while backends change")
    void ingressRoutesHostsAndPathsToTwoServices() throws IOException {
        Pod ingressPod = c.node1.addPod("ingress-nginx");
        List<AutoCloseable> stop = new ArrayList<>();
        try {
            HttpEchoServer a1 = HttpEchoServer.start(c.echo1a, HTTP_BACKEND);
            stop.add(a1);
            HttpEchoServer a2 = HttpEchoServer.start(c.echo2a, HTTP_BACKEND);
            stop.add(a2);
            stop.add(HttpEchoServer.start(c.echo2b, HTTP_BACKEND));
            Service svcA = httpService("svc-a");
            Service svcB = httpService("svc-b");
            endpoints("svc-a", List.of(c.echo1a));
            endpoints("svc-b", List.of(c.echo2b));

            String vipA = svcA.getSpec().getClusterIP() + ":80";
            String vipB = svcB.getSpec().getClusterIP() + ":80";
            Path certDir = Files.createTempDirectory(c.logDir, "ingress-tls-");
            Path[] tls = certificate(certDir);
            NginxIngressPod nginx = NginxIngressPod.start(c.node1, ingressPod, socketLb(), List.of(
                    new NginxIngressPod.Route("a.example.test", "/", vipA),
                    new NginxIngressPod.Route("b.example.test", "/", vipB),
                    new NginxIngressPod.Route("paths.example.test", "/a/", vipA),
                    new NginxIngressPod.Route("paths.example.test", "/b/", vipB)), tls[0], tls[1]);
            stop.add(nginx);

            // the controller's own Service: LoadBalancer, externalTrafficPolicy Local, ingress IPs via node-1
            List<String> ingressIps = List.of(c.cluster.network().loadBalancer(IpFamily.IPV4, 1),
                    c.cluster.network().loadBalancer(IpFamily.IPV6, 1));
            Service controller = KubeObjects.dualStackService("ingress-nginx", c.nextVip(IpFamily.IPV4), c.nextVip(IpFamily.IPV6),
                    port("http", "TCP", 80, 80), port("https", "TCP", 443, 443));
            controller = TrafficPolicyObjects.externalPolicy(TrafficPolicyObjects.loadBalancer(
                    KubeObjects.withNodePort(controller, nextNodePort()), ingressIps), "Local", 0);
            c.apply(controller);
            for (IpFamily f : IpFamily.values()) {
                c.apply(KubeObjects.slice(f, "ingress-nginx", "ingress-nginx" + (f == IpFamily.IPV4 ? "-v4" : "-v6"),
                        List.of(slicePort("http", "TCP", 80), slicePort("https", "TCP", 443)), List.of(ingressPod)));
            }

            record Case(String host, String path, Pod backend) {
            }
            List<Case> cases = List.of(new Case("a.example.test", "/", c.echo1a), new Case("b.example.test", "/", c.echo2b),
                    new Case("paths.example.test", "/a/x", c.echo1a), new Case("paths.example.test", "/b/y", c.echo2b));
            for (IpFamily f : IpFamily.values()) {
                String ip = ingressIps.get(f == IpFamily.IPV4 ? 0 : 1);
                String client = c.external.ip(f);
                for (boolean https : new boolean[]{false, true}) {
                    for (Case k : cases) {
                        String expected = "200 " + k.backend().name() + " host=" + k.host() + " path=" + k.path() + " real=" + client;
                        String what = (https ? "HTTPS " : "HTTP ") + k.host() + k.path() + " via " + ip;
                        String got = Poll.result(CONVERGE, Duration.ofMillis(200), () -> curl(https, k.host(), k.path(), ip, tls[0]),
                                r -> r.startsWith(expected + " peer="), last -> what + " to give '" + expected + "'; last: " + last);
                        E2eNode.log(what + ": " + got);
                    }
                }
                String finalIp = ip;
                assertTrue(nginx.accessLog().stream().anyMatch(l -> l.startsWith(client + " ")),
                        "the controller logged the external client's address " + client + " (" + finalIp + "): " + nginx.accessLog());
            }

            // svc-a's backend is replaced (echo-2a joins, echo-1a leaves and stops) while requests run
            List<String> failures = new ArrayList<>();
            List<String> servedBy = new ArrayList<>();
            Instant start = Instant.now();
            String ip = ingressIps.getFirst();
            int phase = 0;
            for (int i = 0; i < MAX_LOOP_REQUESTS && phase < 4 && Duration.between(start, Instant.now()).compareTo(CONVERGE) < 0; i++) {
                String r = curl(i % 2 == 1, "a.example.test", "/", ip, tls[0]);
                if (!r.startsWith("200 ")) failures.add(r);
                String pod = r.startsWith("200 ") ? r.split(" ")[1] : "";
                servedBy.add(pod);
                if (phase == 0 && i >= 5) {
                    endpoints("svc-a", List.of(c.echo1a, c.echo2a));
                    endpoints("svc-a", List.of(c.echo2a));
                    phase = 1;
                } else if (phase == 1 && pod.equals(c.echo2a.name())
                        && programmedBackends(svcA.getSpec().getClusterIP(), 80).equals(List.of(c.echo2a.ip(IpFamily.IPV4)))) {
                    // Senda moved on (node-1's maps hold echo-2a alone, not the slice in between): the
                    // old backend may stop now, as a terminating pod would
                    phase = 2;
                } else if (phase == 2) {
                    a1.close();
                    phase = 3;
                } else if (phase == 3 && servedBy.subList(servedBy.size() - Math.min(10, servedBy.size()), servedBy.size()).stream()
                        .filter(c.echo2a.name()::equals).count() >= 10) {
                    phase = 4;
                }
            }
            E2eNode.log("requests while svc-a's backend was replaced: " + servedBy.size() + ", failed: " + failures.size()
                    + (failures.isEmpty() ? "" : " (first: " + failures.subList(0, Math.min(3, failures.size())) + ")"));
            assertEquals(4, phase, "svc-a moved to echo-2a and kept serving: " + servedBy);
            assertEquals(List.of(), failures, "no failed request while backends changed");
        } finally {
            for (AutoCloseable s : stop.reversed()) {
                try {
                    s.close();
                } catch (Exception e) {
                    E2eNode.log("close " + s + ": " + e);
                }
            }
            c.node1.removePod(ingressPod.name());
        }
    }
}
