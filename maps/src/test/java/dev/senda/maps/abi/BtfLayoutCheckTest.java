package dev.senda.maps.abi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.senda.maps.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java layouts against the BTF of the built objects (needs libbpf, not root). */
class BtfLayoutCheckTest {
    @TempDir
    Path tmp;

    @Test
    void theBuiltObjectsMatchEveryCodecAndMap() {
        Set<String> structs = new HashSet<>();
        Set<String> maps = new HashSet<>();
        for (String name : List.of("senda_sock.o", "senda_tc.o")) {
            BtfLayoutCheck.Report report = BtfLayoutCheck.verify(TestSupport.bpfObject(name, tmp));
            structs.addAll(report.structsChecked());
            maps.addAll(report.mapsChecked());
        }
        assertEquals(Set.copyOf(Codecs.ALL.stream().map(StructCodec::cName).toList()), structs,
                "every codec is checked against at least one object");
        assertEquals(Set.copyOf(Codecs.MAPS.stream().map(MapAbi::mapName).toList()), maps);
    }

    @Test
    void requiredStructsMustBePresent() {
        Path sock = TestSupport.bpfObject("senda_sock.o", tmp);
        BtfLayoutCheck.verify(sock, List.of(Codecs.SVC4_KEY, Codecs.SOCK_REVNAT4_KEY));
        // senda_tc.o has no socket reverse-NAT map, so requiring its struct must fail
        Path tc = TestSupport.bpfObject("senda_tc.o", tmp);
        AbiMismatchException e = assertThrows(AbiMismatchException.class,
                () -> BtfLayoutCheck.verify(tc, List.of(Codecs.SOCK_REVNAT4_VALUE)));
        assertTrue(e.getMessage().contains("senda_sock_revnat4_value"), e.getMessage());
    }

    @Test
    void driftInTheHeadersIsReportedFieldByField() throws Exception {
        Path src = copyHeaders();
        edit(src.resolve("lib/abi/lb4.h"), "__u16  slot;", "__u8   slot; __u8 extra;");
        edit(src.resolve("lib/abi/ct4.h"), "__be32 nat_addr;", "__u32 nat_addr;");
        edit(src.resolve("lib/abi/lb4.h"), "__type(value, struct senda_revnat4);", "__type(value, __u64);");
        Files.writeString(src.resolve("drift.c"), """
                #include "lib/abi/lb4.h"
                #include "lib/abi/ct4.h"
                char LICENSE[] SEC("license") = "GPL";
                """);
        Path object = TestSupport.compileBpf(src.resolve("drift.c"), tmp.resolve("drift.o"), src);

        AbiMismatchException e = assertThrows(AbiMismatchException.class, () -> BtfLayoutCheck.verify(object));
        List<String> m = e.mismatches();
        assertTrue(m.contains("struct senda_svc4_key.slot: size is 1 in C, 2 in Java"), m.toString());
        assertTrue(m.contains("struct senda_svc4_key.extra: in C (offset 9) but not in Java"), m.toString());
        assertTrue(m.stream().anyMatch(s -> s.startsWith("struct senda_ct4_value.nat_addr: C type __u32")), m.toString());
        assertTrue(m.contains("map senda_revnat4_v1: value type is __u64 in C, senda_revnat4 in Java"), m.toString());
        assertEquals(4, m.size(), m.toString());
    }

    @Test
    void anObjectWithoutSendaMapsDoesNotPass() throws Exception {
        Path c = tmp.resolve("empty.c");
        Files.writeString(c, "char LICENSE[] __attribute__((section(\"license\"), used)) = \"GPL\";\n");
        Path object = TestSupport.compileBpf(c, tmp.resolve("empty.o"));
        assertThrows(AbiMismatchException.class, () -> BtfLayoutCheck.verify(object));
    }

    /** The headers as shipped next to the objects (dev/senda/bpf/src/lib). */
    private Path copyHeaders() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src/lib/abi")).getParent();
        for (String h : List.of("common.h", "abi/lb.h", "abi/lb4.h", "abi/ct.h", "abi/ct4.h")) {
            try (InputStream in = getClass().getResourceAsStream("/dev/senda/bpf/src/lib/" + h)) {
                if (in == null) throw new AssertionError("header " + h + " not on the test classpath");
                Files.copy(in, src.resolve(h));
            }
        }
        return src.getParent();
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        if (!s.contains(from)) throw new AssertionError(file + " no longer contains '" + from + "'");
        Files.writeString(file, s.replace(from, to));
    }
}
