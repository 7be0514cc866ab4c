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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** senda_ct4_v1 (as an agent before the v2 layout pinned it) carried over into senda_ct4_v2. */
@Tag("privileged")
class ConntrackMigrationPrivilegedTest {
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

    @TempDir
    Path tmp;

    @BeforeAll
    static void root() {
        TestSupport.requireRoot();
    }

    @Test
    void copiesEveryEntryWithBackendIdZeroAndRemovesTheV1Pin() throws Exception {
        Path c = tmp.resolve("ct_v1.c");
        Files.writeString(c, V1_SOURCE);
        Path v1Object = TestSupport.compileBpf(c, tmp.resolve("ct_v1.o"));
        CtKey fwd = new CtKey(ip("10.244.1.2"), ip("10.96.0.10"), 40000, 80, Protocol.TCP, CtDirection.FORWARD);
        CtKey rev = new CtKey(ip("10.244.2.3"), ip("10.244.1.2"), 8080, 40000, Protocol.TCP, CtDirection.REPLY);
        // v1 values: nat 10.244.2.3:8080 / orig 10.244.1.2:40000, service 7, flags 0, last_seen 0x1234
        byte[] fwdV1 = HexFormat.of().parseHex("0af402030af401021f909c40070000000000000034120000");
        byte[] revV1 = HexFormat.of().parseHex("0a60000a0af4010200509c40070000000100000034120000");

        try (PinRoot pins = PinRoot.create()) {
            try (BpfObject old = BpfObject.open(v1Object, pins.path()).load()) {
                BpfMap v1 = old.map("senda_ct4_v1");
                v1.update(Codecs.CT4_KEY.encode(fwd), fwdV1);
                v1.update(Codecs.CT4_KEY.encode(rev), revV1);
            }
            assertTrue(Files.exists(pins.path().resolve(ConntrackMigration.V1_MAP)));
            try (BpfObject tc = BpfObject.open(TestSupport.bpfObject("senda_tc.o", tmp), pins.path()).load()) {
                BpfMap v2 = tc.map(Codecs.CT4_MAP.mapName());
                assertEquals(2, ConntrackMigration.fromV1(pins.path(), v2));

                assertEquals(new CtValue(ip("10.244.2.3"), ip("10.244.1.2"), 8080, 40000, 7, 0, 0x1234, 0),
                        Codecs.CT4_VALUE.decode(v2.lookup(Codecs.CT4_KEY.encode(fwd))));
                assertEquals(new CtValue(ip("10.96.0.10"), ip("10.244.1.2"), 80, 40000, 7, CtValue.FLAG_HAIRPIN,
                        0x1234, 0), Codecs.CT4_VALUE.decode(v2.lookup(Codecs.CT4_KEY.encode(rev))));
                assertFalse(Files.exists(pins.path().resolve(ConntrackMigration.V1_MAP)), "v1 pin removed");
                assertEquals(0, ConntrackMigration.fromV1(pins.path(), v2), "nothing left to migrate");
                assertThrows(IllegalArgumentException.class,
                        () -> ConntrackMigration.fromV1(pins.path(), tc.map(Codecs.SVC4_MAP.mapName())));
            }
        }
    }

    private static dev.senda.net.IpAddress ip(String literal) {
        return dev.senda.net.IpAddress.parse(literal).orElseThrow();
    }
}
