package dev.senda.e2e;

import dev.senda.net.IpFamily;
import dev.senda.testbed.Cluster;
import dev.senda.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One two-node cluster per test class, both agents started with {@code --node-devices eth0} (traffic
 * from the external client arrives there); subclasses choose the datapath, and may choose a pod network
 * made by real CNI plugins ({@link #layout()}). Every test's Services and
 * EndpointSlices are deleted after it, so the scenarios stay independent of their order.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NodeDevicesClusterE2e {
    E2eCluster c;
    PolicyProbe probe;
    /** Node ports (and health-check node ports) of this class: a random block of 100, one per Service. */
    private final int portBase = 30000 + 100 * new SecureRandom().nextInt(27);
    private final AtomicInteger nextPort = new AtomicInteger();

    /** Whether the agents run socket LB (pods start inside their node's cgroup) or per-packet LB only. */
    abstract boolean socketLb();

    /**
     * The pod network made by real CNI plugins, with the agents' devices for it
     * ({@link CniLayout#agentArgs()}); null (the default): the testbed's own veths and routes.
     */
    CniLayout layout() {
        return null;
    }

    @BeforeAll
    void startCluster() throws IOException {
        c = E2eCluster.create(getClass().getSimpleName(), layout());
        try {
            c.startAgents(socketLb(), layout() == null ? List.of("--node-devices", Cluster.NODE_DEVICE) : layout().agentArgs());
        } catch (IOException | RuntimeException e) {
            try {
                c.close();
            } catch (RuntimeException x) {
                e.addSuppressed(x);
            }
            throw e;
        }
        probe = new PolicyProbe(c, socketLb());
    }

    @AfterEach
    void deleteObjects() {
        if (c != null) c.deleteAll();
    }

    @AfterAll
    void stopCluster() {
        if (c != null) c.close();
    }

    /** A node's address of {@code family} (its Node object's InternalIP; where its node ports answer). */
    String nodeIp(Testbed node, IpFamily family) {
        return c.cluster.nodeAddress(node, family);
    }

    /** A node port no other Service of this class's cluster has had. */
    int nextNodePort() {
        int n = nextPort.getAndIncrement();
        if (n >= 100) throw new IllegalStateException("out of node ports");
        return portBase + n;
    }
}
