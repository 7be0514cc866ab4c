package dev.senda.desired;

import dev.senda.model.Endpoint;
import dev.senda.model.EndpointConditions;
import dev.senda.model.EndpointSlice;
import dev.senda.model.NodeInfo;
import dev.senda.model.ObjectRef;
import dev.senda.model.Service;
import dev.senda.model.ServicePort;
import dev.senda.model.SlicePort;
import dev.senda.model.Snapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the golden files do not show directly: record contents and ordering rules. */
class DesiredStateCalculatorTest {
    private static final NodeInfo NODE = new NodeInfo("n1");
    private final DesiredStateCalculator calc = new DesiredStateCalculator();

    private static Service svc(String ns, String name, Instant created, String clusterIP, List<String> clusterIPs) {
        return new Service(new ObjectRef(ns, name), Map.of(), created, null, clusterIP, clusterIPs, List.of(), null,
                List.of(), null, List.of(new ServicePort("http", null, 80, null, null)), null, null, null);
    }

    @Test
    void frontendRecordsCarryScopeAndServicePortName() {
        DesiredState s = calc.calculate(Snapshot.of(List.of(svc("ns", "a", null, "10.0.0.1", List.of())), List.of()),
                NODE);
        assertEquals(1, s.lb().frontends().size());
        DesiredFrontend f = s.lb().frontends().values().iterator().next();
        assertEquals(FrontendScope.EXTERNAL, f.frontend().scope());
        assertEquals(L4Protocol.TCP, f.frontend().proto());
        assertEquals(new ServicePortName("ns", "a", "http"), f.servicePort());
        assertTrue(f.backends().isEmpty());
        assertTrue(s.rejections().isEmpty());
    }

    @Test
    void clusterIpsAloneAreEnough() {
        DesiredState s = calc.calculate(Snapshot.of(List.of(svc("ns", "a", null, null, List.of("10.0.0.2"))),
                List.of()), NODE);
        assertEquals("10.0.0.2:80/TCP ns/a:http\n  -> (no backends)\n", DesiredStateDump.render(s));
    }

    @Test
    void aServiceWithATimestampBeatsOneWithout() {
        Service old = svc("z", "with-time", Instant.parse("2020-01-01T00:00:00Z"), "10.0.0.3", List.of());
        Service undated = svc("a", "no-time", null, "10.0.0.3", List.of());
        DesiredState s = calc.calculate(Snapshot.of(List.of(undated, old), List.of()), NODE);
        assertEquals(new ServicePortName("z", "with-time", "http"),
                s.lb().frontends().values().iterator().next().servicePort());
        assertEquals(List.of(new Rejection(Rejection.SERVICE, new ObjectRef("a", "no-time"),
                "frontend 10.0.0.3:80/TCP is already used by Service z/with-time")), s.rejections());
    }

    @Test
    void emptyInputEmptyOutput() {
        DesiredState s = calc.calculate(Snapshot.empty(), NODE);
        assertEquals(DesiredState.empty(), s);
        assertEquals("", DesiredStateDump.render(s));
    }

    private static EndpointSlice slice(String ns, String service, String name, String addressType, String... addresses) {
        List<Endpoint> eps = java.util.Arrays.stream(addresses).map(a -> new Endpoint(List.of(a), EndpointConditions.UNSET,
                a.endsWith("1") ? "n1" : "n2", null, null)).toList();
        return new EndpointSlice(new ObjectRef(ns, name), Map.of(EndpointSlice.SERVICE_NAME_LABEL, service), service,
                addressType, List.of(new SlicePort("http", null, 8080, null)), eps);
    }

    @Test
    void internalTrafficPolicyLocalGivesClusterIpFrontendsTheLocalSet() {
        Service local = new Service(new ObjectRef("ns", "a"), Map.of(), null, null, "10.0.0.1", List.of(), List.of(), null,
                List.of(), null, List.of(new ServicePort("http", null, 80, null, null)), null, "Local", "Local");
        DesiredState s = calc.calculate(Snapshot.of(List.of(local),
                List.of(slice("ns", "a", "a-1", "IPv4", "10.1.0.1", "10.1.0.2"))), NODE);
        assertEquals("""
                10.0.0.1:80/TCP ns/a:http
                  -> 10.1.0.1:8080/TCP ACTIVE
                """, DesiredStateDump.render(s));
    }

    @Test
    void slicesOfAServiceThatLostAConflictAreNeverLookedAt() {
        Service winner = svc("ns", "a", Instant.parse("2020-01-01T00:00:00Z"), "fd00::1", List.of());
        Service loser = svc("ns", "b", null, "10.0.0.2", List.of("10.0.0.2", "fd00::1"));
        DesiredState s = calc.calculate(Snapshot.of(List.of(winner, loser),
                List.of(slice("ns", "b", "b-1", "IPv4", "not-an-ip"), slice("ns", "a", "a-1", "IPv6", "fd00:1::1"))), NODE);
        assertEquals("""
                [fd00::1]:80/TCP ns/a:http
                  -> [fd00:1::1]:8080/TCP ACTIVE
                rejected Service ns/b: frontend [fd00::1]:80/TCP is already used by Service ns/a
                """, DesiredStateDump.render(s));
    }
}
