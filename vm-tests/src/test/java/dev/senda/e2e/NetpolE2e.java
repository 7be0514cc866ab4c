package dev.senda.e2e;

import dev.senda.net.IpFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;

import static dev.senda.e2e.NetpolExpectation.allowAll;

/**
 * The NetworkPolicy cases of upstream's {@code test/e2e/network/netpol/network_policy.go}, named
 * verbatim, on the {@link NetpolMatrix}: one node, agent and matrix per class, each case starting
 * from no policy and default labels ({@link NetpolMatrix#reset()}). Subclasses choose the datapath.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NetpolE2e {
    NetpolMatrix m;

    /** Socket LB (probers in the cgroup) or per-packet LB ({@code --socket-lb=false}). */
    abstract boolean socketLb();

    @BeforeAll
    void createMatrix() throws IOException {
        m = NetpolMatrix.create(getClass().getSimpleName(), socketLb());
    }

    @BeforeEach
    void reset() throws IOException {
        m.reset();
    }

    @AfterAll
    void closeMatrix() {
        if (m != null) m.close();
    }

    @Test
    @DisplayName("every pod reaches every pod's Service over TCP and UDP on 80 and 81 without a policy, both families")
    void everyPairConnectsWithoutPolicy() throws IOException {
        for (IpFamily f : IpFamily.values()) m.expect("no policy", f, allowAll());
    }
}
