package dev.senda.datapath;

import static dev.senda.datapath.PacketBuilder.ACK;
import static dev.senda.datapath.PacketBuilder.HOST_MAC;
import static dev.senda.datapath.PacketBuilder.POD_MAC;
import static dev.senda.datapath.PacketBuilder.PSH;
import static dev.senda.datapath.PacketBuilder.SYN;
import static dev.senda.datapath.TestDatapath.TC_ACT_OK;
import static dev.senda.datapath.TestDatapath.TC_PROGRAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.senda.maps.DatapathVariants;
import dev.senda.maps.TestSupport;
import dev.senda.maps.features.Capabilities;
import dev.senda.maps.abi.CtKeyCodec;
import dev.senda.maps.lb.CtDirection;
import dev.senda.maps.lb.CtKey;
import dev.senda.maps.lb.LayoutMigration;
import dev.senda.maps.lb.PriorMaps;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.TestRunResult;
import dev.senda.net.IpFamily;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conntrack layout change between two tc datapaths on the same pins, in the order the agent runs it
 * ({@code Datapath.load}, then the swaps, then {@code finishMigrations}): the other version's map lent
 * ({@link PriorMaps}), the first pass, then a flow opened by the old programs, as a hook not swapped yet
 * does it, whose next packets meet the new programs before the second pass. The new programs must find
 * the flow: its reply gets the VIP back as source and the client's ACK goes to the backend the SYN went
 * to. Without the loan the reply escaped untranslated (the client answered it with a RST and the
 * connection hung: DatapathUpgradeE2eTest's lost request) and the ACK was balanced afresh.
 */
@Tag("privileged")
class TcLayoutMigrationTest {
    private static final String CLIENT = "10.244.1.2";
    private static final int CPORT = 40000;
    private static final String VIP = "10.96.0.10";
    private static final int VPORT = 80;
    private static final List<String> BACKENDS = List.of("10.244.2.3", "10.244.2.4", "10.244.2.5");
    private static final int BPORT = 8080;

    @TempDir
    Path tmp;

    @BeforeAll
    static void requireRoot() {
        Capabilities.ofThisProcess().requireForDatapath("the layout migration test (it loads BPF programs)");
    }

    @Test
    void anUpgradeFindsTheFlowsTheOldProgramsOpenDuringTheSwap() {
        Path next = DatapathVariants.nextLayoutTc(tmp);
        try (TestDatapath old = TestDatapath.loadTc()) {
            migrateUnderAFlow(old, next, DatapathVariants.NEXT_CT4_MAP, "senda_ct4_v2");
        }
    }

    @Test
    void aDowngradeFindsTheFlowsTheNewerProgramsOpenDuringTheSwap() throws Exception {
        Path next = DatapathVariants.nextLayoutTc(Files.createDirectory(tmp.resolve("next")));
        Path shipped = TestSupport.bpfObject("senda_tc.o", tmp);
        try (TestDatapath newer = TestDatapath.loadFile(next)) {
            migrateUnderAFlow(newer, shipped, "senda_ct4_v2", DatapathVariants.NEXT_CT4_MAP);
        }
    }

    /**
     * A flow the old programs opened, retired by the new ones between the passes (a UDP datagram whose
     * backend left is balanced afresh): its entries go from the lent map, where they are, and are not
     * carried into the new map on the way (senda_ct4_retire reads the lent map in place), so neither the
     * second pass nor a later miss brings the old backend back.
     */
    @Test
    void aFlowRetiredBetweenThePassesLeavesNeitherMap() {
        Path next = DatapathVariants.nextLayoutTc(tmp);
        int dport = 53;
        try (TestDatapath old = TestDatapath.loadTc()) {
            for (int i = 0; i < BACKENDS.size(); i++) old.putBackend(i + 1, BACKENDS.get(i), BPORT, Protocol.UDP);
            old.putService(VIP, dport, Protocol.UDP, 7, 1, 2, 3);
            Path root = old.pinRoot();
            PriorMaps[] prior = {PriorMaps.none()};
            try (BpfObject nextObject = BpfObject.open(next, root)) {
                prior[0] = PriorMaps.offer(nextObject, root);
                nextObject.load();
                prior[0].lend();
                LayoutMigration.Plan plan = LayoutMigration.prepare(root, nextObject.maps());

                PacketBuilder query = PacketBuilder.udp(CLIENT, CPORT, VIP, dport).payload("q\n");
                String backend = Frames.destination(old.run(query.build()).dataOut()).split(":")[0];
                assertNotNull(old.ct(backend, BPORT, CLIENT, CPORT, Protocol.UDP, CtDirection.REPLY));
                int gone = BACKENDS.indexOf(backend) + 1;
                old.putService(VIP, dport, Protocol.UDP, 7,
                        java.util.stream.IntStream.rangeClosed(1, BACKENDS.size()).filter(id -> id != gone).toArray());
                old.deleteBackend(gone);

                TestRunResult again = nextObject.program(TC_PROGRAM).testRun(query.build(), 1);
                assertEquals(TC_ACT_OK, again.retval());
                assertNotEquals(backend, Frames.destination(again.dataOut()).split(":")[0], "balanced afresh");
                assertNull(old.ct(backend, BPORT, CLIENT, CPORT, Protocol.UDP, CtDirection.REPLY),
                        "the retired reply entry left the lent map");
                CtKey reply = new CtKey(PacketBuilder.ip(backend), PacketBuilder.ip(CLIENT), BPORT, CPORT, Protocol.UDP,
                        CtDirection.REPLY);
                assertNull(nextObject.map(DatapathVariants.NEXT_CT4_MAP).lookup(new CtKeyCodec(IpFamily.IPV4).encode(reply)),
                        "nor is it in the new map");
                plan.finish();
                prior[0].end();
                assertNull(nextObject.map(DatapathVariants.NEXT_CT4_MAP).lookup(new CtKeyCodec(IpFamily.IPV4).encode(reply)),
                        "the second pass does not bring it back");
            } finally {
                prior[0].close();
            }
        }
    }

    private void migrateUnderAFlow(TestDatapath old, Path nextObject, String nextMap, String oldMap) {
        for (int i = 0; i < BACKENDS.size(); i++) old.putBackend(i + 1, BACKENDS.get(i), BPORT, Protocol.TCP);
        old.putService(VIP, VPORT, Protocol.TCP, 7, 1, 2, 3);
        Path root = old.pinRoot();
        PriorMaps[] prior = {PriorMaps.none()};
        try (BpfObject next = BpfObject.open(nextObject, root)) {
            prior[0] = PriorMaps.offer(next, root);
            assertFalse(prior[0].isEmpty(), "the old version's conntrack is offered");
            next.load();
            prior[0].lend();
            LayoutMigration.Plan plan = LayoutMigration.prepare(root, next.maps());
            assertEquals(1, plan.steps().size());

            // between the passes, a hook not swapped yet opens a flow in the old map only
            PacketBuilder syn = PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(SYN).seq(1_000_000);
            TestRunResult opened = old.run(syn.build());
            assertEquals(TC_ACT_OK, opened.retval());
            String backend = Frames.destination(opened.dataOut()).split(":")[0];
            assertTrue(BACKENDS.contains(backend), backend);

            // the backend's hook runs the new programs already: its SYN-ACK, then its greeting
            PacketBuilder synAck = PacketBuilder.tcp(backend, BPORT, CLIENT, CPORT).macs(HOST_MAC, POD_MAC)
                    .flags(SYN | ACK).seq(555).ack(1_000_001);
            TestRunResult reply = next.program(TC_PROGRAM).testRun(synAck.build(), 1);
            assertEquals(TC_ACT_OK, reply.retval());
            assertEquals(VIP + ":" + VPORT, Frames.source(reply.dataOut()), "the reply is reverse-NATed");
            // the client's hook is swapped too: its ACK and request keep the backend the SYN got
            for (PacketBuilder p : List.of(PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(ACK).seq(1_000_001).ack(556),
                    PacketBuilder.tcp(CLIENT, CPORT, VIP, VPORT).flags(PSH | ACK).seq(1_000_001).ack(556).payload("hi\n"))) {
                TestRunResult forward = next.program(TC_PROGRAM).testRun(p.build(), 1);
                assertEquals(TC_ACT_OK, forward.retval());
                assertEquals(backend + ":" + BPORT, Frames.destination(forward.dataOut()), "the flow keeps its backend");
            }
            PacketBuilder greeting = PacketBuilder.tcp(backend, BPORT, CLIENT, CPORT).macs(HOST_MAC, POD_MAC)
                    .flags(PSH | ACK).seq(556).ack(1_000_004).payload("echo-a\n");
            assertEquals(VIP + ":" + VPORT, Frames.source(next.program(TC_PROGRAM).testRun(greeting.build(), 1).dataOut()));

            plan.finish();
            prior[0].end();
            assertFalse(Files.exists(root.resolve(oldMap)), "the old pin is gone after the second pass");
            assertTrue(Files.exists(root.resolve(nextMap)));
            assertNull(next.map("senda_ct4_prior").lookup(new byte[4]), "the slot is empty: the old map can go");
        } finally {
            prior[0].close();
        }
    }
}
