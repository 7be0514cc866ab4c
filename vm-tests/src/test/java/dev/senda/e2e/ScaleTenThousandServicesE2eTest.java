package dev.senda.e2e;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 9's "10,000 Services x 10 endpoints program and answer on every VIP", from a directory and from
 * an API server ({@link ServiceScale}): the agent programs all of them ({@code /healthz} 200,
 * {@code senda_programmed_services}, nothing unprogrammed) and a client connects to every VIP once and
 * is answered by a backend holding one of that Service's endpoints. Times and memory are printed, not
 * asserted. By hand, other sizes: {@code -Dsenda.scale.services=30000}.
 */
@Tag("privileged")
class ScaleTenThousandServicesE2eTest {
    private static final int SERVICES = Integer.getInteger("senda.scale.services", 10_000);

    @Test
    @DisplayName("10,000 ClusterIP Services x 10 endpoints from a directory program and answer on every VIP (socket LB)")
    void directorySocketLb() throws IOException {
        check(new ServiceScale.Options(SERVICES, ServiceScale.Source.DIRECTORY, true));
    }

    @Test
    @DisplayName("10,000 ClusterIP Services x 10 endpoints from a directory program and answer on every VIP (per-packet)")
    void directoryPerPacket() throws IOException {
        check(new ServiceScale.Options(SERVICES, ServiceScale.Source.DIRECTORY, false));
    }

    @Test
    @DisplayName("10,000 ClusterIP Services x 10 endpoints from an API server program and answer on every VIP (socket LB)")
    void apiSocketLb() throws IOException {
        check(new ServiceScale.Options(SERVICES, ServiceScale.Source.API, true));
    }

    private void check(ServiceScale.Options o) throws IOException {
        ServiceScale.Figures f = ServiceScale.run(o, getClass().getSimpleName());
        assertEquals(SERVICES, f.programmedServices(), f.line());
        assertEquals(0, f.unprogrammed(), f.line());
        assertEquals(SERVICES, f.probe().answered(), "every VIP answered by one of its Service's backends: " + f.line());
    }
}
