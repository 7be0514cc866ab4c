package dev.senda.maps.lb;

import dev.senda.maps.TestSupport;
import dev.senda.maps.abi.Codecs;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.PinRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * senda_ct4_v1 (as an agent before the v2 layout pinned it) carried over into senda_ct4_v2 (upgrade), and
 * senda_ct4_v3 (a simulated next layout: v2 and 4 more bytes) carried back into senda_ct4_v2 (downgrade).
 */
@Tag("privileged")
class LayoutMigrationPrivilegedTest {
    /** The v1 map exactly as bpf/lib/conntrack.h declared it (value: 24 bytes, no backend_id). */
    private static final String V1_SOURCE = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            struct senda_ct4_key { __be32 saddr; __be32 daddr; __be16 sport; __be16 dport;
                                   __u8 proto; __u8 dir; __u16 pad; };
            struct senda_ct4_value { __be32 nat_addr; __be32 orig_addr; __be16 nat_port; __be16 orig_port;
                                     __u32 service_id; __u8 flags; __u8 pad[3]; __u32 last_seen; };
            struct {
                __uint(type, BPF_MAP_TYPE_LRU_HASH);
                __type(key, struct senda_ct4_key);
                __type(value, struct senda_ct4_value);
                __uint(max_entries, 1024);
                __uint(pinning, LIBBPF_PIN_BY_NAME);
            } senda_ct4_v1 SEC(".maps");
            char LICENSE[] SEC("license") = "GPL";
            """;

    /** A next layout as the append-only rule allows it: v2's value, then one more field. */
    private static final String V3_SOURCE = V1_SOURCE.replace("__u32 last_seen; };", "__u32 last_seen; __u32 backend_id; __u32 next; };")
            .replace("senda_ct4_v1", "senda_ct4_v3");

    @TempDir
    Path tmp;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void upgradeCopiesEveryEntryWithTheNewFieldZeroAndRemovesTheOldPinAfterTheSecondPass() throws Exception {
        Path v1Object = TestSupport.compileBpf(write("ct_v1.c", V1_SOURCE), tmp.resolve("ct_v1.o"));
        CtKey fwd = new CtKey(ip("10.244.1.2"), ip("10.96.0.10"), 40000, 80, Protocol.TCP, CtDirection.FORWARD);
        CtKey rev = new CtKey(ip("10.244.2.3"), ip("10.244.1.2"), 8080, 40000, Protocol.TCP, CtDirection.REPLY);
        CtKey late = new CtKey(ip("10.244.1.9"), ip("10.96.0.10"), 40001, 80, Protocol.TCP, CtDirection.FORWARD);
        // v1 values: nat 10.244.2.3:8080 / orig 10.244.1.2:40000, service 7, flags 0, last_seen 0x1234
        byte[] fwdV1 = HexFormat.of().parseHex("0af402030af401021f909c40070000000000000034120000");
        byte[] revV1 = HexFormat.of().parseHex("0a60000a0af4010200509c40070000000100000034120000");

        try (PinRoot pins = PinRoot.create()) {
            try (BpfObject old = BpfObject.open(v1Object, pins.path()).load()) {
                BpfMap v1 = old.map("senda_ct4_v1");
                v1.update(Codecs.CT4_KEY.encode(fwd), fwdV1);
                v1.update(Codecs.CT4_KEY.encode(rev), revV1);
                try (BpfObject tc = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
                    BpfMap v2 = tc.map(Codecs.CT4_MAP.mapName());
                    LayoutMigration.Plan plan = LayoutMigration.prepare(pins.path(), tc.maps());
                    assertEquals(1, plan.steps().size());
                    assertEquals(2, plan.steps().getFirst().copiedBefore());
                    assertFalse(plan.steps().getFirst().downgrade());
                    assertEquals(new CtValue(ip("10.244.2.3"), ip("10.244.1.2"), 8080, 40000, 7, 0, 0x1234, 0),
                            Codecs.CT4_VALUE.decode(v2.lookup(Codecs.CT4_KEY.encode(fwd))));
                    assertEquals(new CtValue(ip("10.96.0.10"), ip("10.244.1.2"), 80, 40000, 7, CtValue.FLAG_HAIRPIN,
                            0x1234, 0), Codecs.CT4_VALUE.decode(v2.lookup(Codecs.CT4_KEY.encode(rev))));
                    assertTrue(Files.exists(pins.path().resolve("senda_ct4_v1")), "kept until the second pass");

                    // the old program, still attached between the passes, opens a flow; the new one rewrote fwd
                    v1.update(Codecs.CT4_KEY.encode(late), fwdV1);
                    CtValue rewritten = new CtValue(ip("10.244.2.3"), ip("10.244.1.2"), 8080, 40000, 7, 0, 0x1300, 5);
                    v2.update(Codecs.CT4_KEY.encode(fwd), Codecs.CT4_VALUE.encode(rewritten));
                    plan.finish();
                    assertEquals(rewritten, Codecs.CT4_VALUE.decode(v2.lookup(Codecs.CT4_KEY.encode(fwd))),
                            "the second pass never overwrites what the new program wrote");
                    assertEquals(new CtValue(ip("10.244.2.3"), ip("10.244.1.2"), 8080, 40000, 7, 0, 0x1234, 0),
                            Codecs.CT4_VALUE.decode(v2.lookup(Codecs.CT4_KEY.encode(late))), "a flow opened between the passes");
                    assertFalse(Files.exists(pins.path().resolve("senda_ct4_v1")), "v1 pin removed");
                    assertTrue(LayoutMigration.prepare(pins.path(), tc.maps()).isEmpty(), "nothing left to migrate");
                }
            }
        }
    }

    @Test
    void downgradeCutsTheFieldsThisVersionDoesNotKnow() throws Exception {
        Path v3Object = TestSupport.compileBpf(write("ct_v3.c", V3_SOURCE), tmp.resolve("ct_v3.o"));
        CtKey fwd = new CtKey(ip("10.244.1.2"), ip("10.96.0.10"), 40000, 80, Protocol.TCP, CtDirection.FORWARD);
        // v2's 28 bytes (backend id 9), then the next version's field 0xdeadbeef
        byte[] fwdV3 = HexFormat.of().parseHex("0af402030af401021f909c4007000000000000003412000009000000efbeadde");
        try (PinRoot pins = PinRoot.create()) {
            try (BpfObject newer = BpfObject.open(v3Object, pins.path()).load()) {
                newer.map("senda_ct4_v3").update(Codecs.CT4_KEY.encode(fwd), fwdV3);
            }
            try (BpfObject tc = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
                LayoutMigration.Plan plan = LayoutMigration.prepare(pins.path(), tc.maps());
                assertTrue(plan.steps().getFirst().downgrade());
                plan.finish();
                assertEquals(new CtValue(ip("10.244.2.3"), ip("10.244.1.2"), 8080, 40000, 7, 0, 0x1234, 9),
                        Codecs.CT4_VALUE.decode(tc.map(Codecs.CT4_MAP.mapName()).lookup(Codecs.CT4_KEY.encode(fwd))));
                assertFalse(Files.exists(pins.path().resolve("senda_ct4_v3")), "the newer pin is removed");
            }
        }
    }

    @Test
    void aKeyOfAnotherSizeIsNoAppendOnlyChange() throws Exception {
        String otherKey = V1_SOURCE.replace("__u16 pad; };", "__u16 pad; __u32 zone; };").replace("senda_ct4_v1", "senda_ct4_v9");
        Path object = TestSupport.compileBpf(write("ct_v9.c", otherKey), tmp.resolve("ct_v9.o"));
        try (PinRoot pins = PinRoot.create()) {
            try (BpfObject other = BpfObject.open(object, pins.path()).load()) {
                assertTrue(Files.exists(pins.path().resolve("senda_ct4_v9")));
            }
            try (BpfObject tc = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
                LayoutMigration.Plan plan = LayoutMigration.prepare(pins.path(), tc.maps());
                assertEquals(List.of(), plan.finish(), "nothing migrated, and the datapath's start is not refused");
                assertTrue(Files.exists(pins.path().resolve("senda_ct4_v9")), "left alone");
            }
        }
    }

    private Path write(String name, String source) throws java.io.IOException {
        return Files.writeString(tmp.resolve(name), source);
    }

    private static dev.senda.net.IpAddress ip(String literal) {
        return dev.senda.net.IpAddress.parse(literal).orElseThrow();
    }
}
