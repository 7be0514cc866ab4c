package dev.senda.datapath;

import dev.senda.maps.lb.AffinityKey;
import dev.senda.maps.lb.AffinityValue;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.libbpf.TestRunResult;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.senda.datapath.PacketBuilder.SYN;
import static dev.senda.datapath.TestDatapath.TC_ACT_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session affinity in the per-packet datapath ({@code BPF_PROG_TEST_RUN}, both families): new flows
 * (SYNs from new client ports, so conntrack never decides) from one client go to one backend while
 * the frontend's header has the affinity flag, and spread over the backends without it; the entry
 * in {@code senda_affinity{4,6}_v1} is keyed by the packet's source address (netns cookie 0).
 */
@Tag("privileged")
class TcAffinityTest {
    static final int VPORT = 80;
    static final int BPORT = 8080;
    static final int SERVICE_ID = 7;
    static final int BACKENDS = 8;
    /** New flows per check: all on one of 8 backends by chance has p = 8^-19. */
    static final int FLOWS = 20;

    record Net(String client, String otherClient, String vip, String backendPrefix) {
        String backend(int i) {
            return backendPrefix + i;
        }
    }

    static Net net(IpFamily f) {
        return f == IpFamily.IPV4
                ? new Net("10.244.1.2", "10.244.1.3", "10.96.0.10", "10.244.2.")
                : new Net("fd00:10:244:1::2", "fd00:10:244:1::3", "fd00:96::a", "fd00:10:244:2::");
    }

    private TestDatapath dp;

    @BeforeAll
    static void requireRoot() throws java.io.IOException {
        TcDatapathTest.requireRoot();
    }

    @AfterEach
    void unload() {
        if (dp != null) dp.close();
    }

    /** Backends 1..8 at backendPrefix + id; the frontend with slots 1..8 in that order. */
    private int[] program(Net n) {
        int[] ids = new int[BACKENDS];
        for (int i = 1; i <= BACKENDS; i++) {
            dp.putBackend(i, n.backend(i), BPORT, Protocol.TCP);
            ids[i - 1] = i;
        }
        dp.putService(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, ids);
        return ids;
    }

    /** The backend addresses {@link #FLOWS} new TCP connections from {@code client} were sent to. */
    private Set<IpAddress> newFlows(Net n, String client, int firstPort) {
        Set<IpAddress> seen = new TreeSet<>(java.util.Comparator.comparing(IpAddress::toString));
        for (int i = 0; i < FLOWS; i++) {
            byte[] syn = PacketBuilder.tcp(client, firstPort + i, n.vip(), VPORT).flags(SYN).seq(1000).build();
            TestRunResult r = dp.run(syn);
            assertEquals(TC_ACT_OK, r.retval(), "tc verdict");
            seen.add(destination(r.dataOut()));
        }
        return seen;
    }

    /** The destination address of an Ethernet + IPv4/IPv6 frame. */
    static IpAddress destination(byte[] frame) {
        int l3 = PacketBuilder.ETH_HLEN;
        boolean v4 = (frame[l3] >> 4) == 4;
        byte[] a = v4 ? Arrays.copyOfRange(frame, l3 + 16, l3 + 20) : Arrays.copyOfRange(frame, l3 + 24, l3 + 40);
        return IpAddress.of(a);
    }

    private static long nowSeconds() {
        // bpf_ktime_get_ns() and System.nanoTime() both read CLOCK_MONOTONIC on Linux
        return System.nanoTime() / 1_000_000_000L;
    }

    @ParameterizedTest(name = "[{0}]")
    @EnumSource(IpFamily.class)
    void newFlowsFromOneClientStickWithAffinityAndSpreadWithout(IpFamily family) {
        Net n = net(family);
        dp = TestDatapath.loadTc();
        program(n);

        assertTrue(newFlows(n, n.client(), 40000).size() > 1, "without affinity new flows spread");

        dp.setAffinity(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, BACKENDS, 60);   // switched on under traffic
        Set<IpAddress> sticky = newFlows(n, n.client(), 41000);
        assertEquals(1, sticky.size(), "with affinity every new flow of the client reaches one backend: " + sticky);

        Map<AffinityKey, AffinityValue> entries = dp.affinity.entries();
        AffinityValue v = entries.get(new AffinityKey(0, PacketBuilder.ip(n.client()), SERVICE_ID));
        assertTrue(v != null, "entry keyed by the client's address: " + entries);
        assertEquals(PacketBuilder.ip(n.backend(v.backendId())), sticky.iterator().next());
        assertEquals(v.backendId(), v.slot(), "slots hold ids 1..8 in order");
        assertTrue(Math.abs(Integer.toUnsignedLong(v.lastUsed()) - nowSeconds()) <= 2, "last used now: " + v);

        dp.setAffinity(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, BACKENDS, 0);    // switched off again
        assertTrue(newFlows(n, n.client(), 42000).size() > 1, "affinity off: new flows spread again");
    }

    @ParameterizedTest(name = "[{0}]")
    @EnumSource(IpFamily.class)
    void aFreshEntryIsFollowedAnExpiredOrStaleOneIsReplaced(IpFamily family) {
        Net n = net(family);
        dp = TestDatapath.loadTc();
        program(n);
        dp.setAffinity(n.vip(), VPORT, Protocol.TCP, SERVICE_ID, BACKENDS, 3);
        AffinityKey key = new AffinityKey(0, PacketBuilder.ip(n.client()), SERVICE_ID);
        int now = (int) nowSeconds();

        // fresh, remembered in another slot than it is now (slots were rewritten): found by the scan
        dp.affinity.put(key, new AffinityValue(5, now, 2));
        assertEquals(Set.of(PacketBuilder.ip(n.backend(5))), newFlows(n, n.client(), 40000));
        assertEquals(5, dp.affinity.entries().get(key).slot(), "the slot it was found in is remembered");

        // older than the 3 s timeout: balanced afresh and recorded anew
        dp.affinity.put(key, new AffinityValue(5, now - 10, 5));
        newFlows(n, n.client(), 41000);
        AffinityValue renewed = dp.affinity.entries().get(key);
        assertTrue(renewed.lastUsed() - (now - 10) >= 9, "recorded anew: " + renewed);

        // a backend that is no longer one of the frontend's slots is not followed
        dp.affinity.put(key, new AffinityValue(99, now, 1));
        Set<IpAddress> seen = newFlows(n, n.client(), 42000);
        int chosen = dp.affinity.entries().get(key).backendId();
        assertTrue(chosen >= 1 && chosen <= BACKENDS, "a current backend: " + chosen);
        assertEquals(Set.of(PacketBuilder.ip(n.backend(chosen))), seen);

        // another client has an entry of its own
        newFlows(n, n.otherClient(), 43000);
        assertTrue(dp.affinity.entries().containsKey(new AffinityKey(0, PacketBuilder.ip(n.otherClient()), SERVICE_ID)));
    }
}
