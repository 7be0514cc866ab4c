package dev.senda.agent;

import dev.senda.datapath.UdpSocketCloser;
import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.EndpointState;
import dev.senda.desired.Frontend;
import dev.senda.desired.FrontendScope;
import dev.senda.desired.L4Protocol;
import dev.senda.desired.LbState;
import dev.senda.desired.ServicePortName;
import dev.senda.maps.lb.DestroyedSocket;
import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the agent sweeps for stale connected UDP sockets, and what it counts (the sweep itself is faked). */
class StaleUdpSocketsTest {
    private static final Path NS = Path.of("/proc/1/ns/net");

    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    /** One frontend per (proto, backends...) on 10.96.0.10:53 (UDP) or :80 (TCP). */
    private static DesiredFrontend frontend(L4Protocol proto, String... backends) {
        Frontend f = new Frontend(ip("10.96.0.10"), proto == L4Protocol.UDP ? 53 : 80, proto, FrontendScope.EXTERNAL);
        return new DesiredFrontend(f, new ServicePortName("ns", "dns", proto.name().toLowerCase()),
                Arrays.stream(backends).map(b -> new DesiredBackend(new BackendAddress(ip(b), 5353, proto),
                        EndpointState.ACTIVE)).toList());
    }

    private static LbState state(DesiredFrontend... frontends) {
        TreeMap<Frontend, DesiredFrontend> m = new TreeMap<>();
        for (DesiredFrontend f : frontends) m.put(f.frontend(), f);
        return new LbState(m);
    }

    @Test
    void sweepsAtTheFirstSyncAndWhenAUdpBackendLeavesNotOtherwise() throws Exception {
        List<List<Path>> sweeps = new ArrayList<>();
        try (Metrics metrics = new Metrics()) {
            List<UdpSocketCloser.Serves> served = new ArrayList<>();
            UdpSocketCloser fake = new UdpSocketCloser() {
                @Override
                public Sweep sweep(java.util.Collection<Path> ns, Serves current) {
                    sweeps.add(List.copyOf(ns));
                    served.add(current);
                    return new Sweep(ns.size(), 0, sweeps.size() == 2
                            ? List.of(new DestroyedSocket(ip("10.244.1.5"), 5353, 0, 7),
                                      new DestroyedSocket(ip("10.244.1.5"), 5353, -2, 8))
                            : List.of(), List.of());
                }

                @Override
                public String describe() {
                    return "a fake";
                }

                @Override
                public void close() {
                }
            };
            StaleUdpSockets stale = new StaleUdpSockets(fake, () -> List.of(NS), metrics);

            stale.applied(state(frontend(L4Protocol.UDP, "10.244.1.5"), frontend(L4Protocol.TCP, "10.244.1.5")));
            assertEquals(1, sweeps.size(), "the first sync sweeps: backends may have left while no agent ran");

            stale.applied(state(frontend(L4Protocol.UDP, "10.244.1.5", "10.244.2.6"), frontend(L4Protocol.TCP)));
            assertEquals(1, sweeps.size(), "a UDP backend added, a TCP one removed: nothing to sweep");

            stale.applied(state(frontend(L4Protocol.UDP, "10.244.2.6"), frontend(L4Protocol.TCP)));
            assertEquals(2, sweeps.size(), "a UDP backend left its frontend");
            assertEquals(List.of(NS), sweeps.get(1));
            // what the closer is told is current: the new state's UDP pairs only
            assertTrue(served.get(1).serves(ip("10.96.0.10"), 53, ip("10.244.2.6"), 5353));
            assertTrue(!served.get(1).serves(ip("10.96.0.10"), 53, ip("10.244.1.5"), 5353));
            assertTrue(!served.get(1).serves(ip("10.96.0.10"), 80, ip("10.244.2.6"), 5353));

            stale.applied(state(frontend(L4Protocol.TCP)));
            assertEquals(3, sweeps.size(), "the UDP frontend went with its last backend");

            int port = metrics.startHttp(BindAddress.parse("--metrics-bind", "127.0.0.1:0"));
            try (HttpClient client = HttpClient.newHttpClient()) {
                String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
                for (String line : List.of("senda_stale_udp_sweeps_total 3.0",
                        "senda_stale_udp_sockets_total{result=\"closed\"} 1.0",
                        "senda_stale_udp_sockets_total{result=\"failed\"} 1.0")) {
                    assertTrue(body.contains(line), "missing '" + line + "' in:\n" + body);
                }
            }
        }
    }

    @Test
    void departedPairsAreThoseOfTheOldStateMissingFromTheNew() {
        var before = StaleUdpSockets.udpPairs(state(frontend(L4Protocol.UDP, "10.244.1.5", "10.244.1.6")));
        var after = StaleUdpSockets.udpPairs(state(frontend(L4Protocol.UDP, "10.244.1.6", "10.244.1.7")));
        assertEquals(List.of("10.96.0.10:53/UDP -> 10.244.1.5:5353"),
                StaleUdpSockets.departed(before, after).stream().map(Object::toString).toList());
    }
}
