package dev.senda.maps.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.senda.maps.TestSupport;
import dev.senda.maps.abi.AbiMismatchException;
import dev.senda.maps.abi.BtfLayoutCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** senda_metrics_v1 is part of the BTF check: a changed counter type fails the load (needs clang, not root). */
class MetricsMapAbiTest {
    @TempDir
    Path tmp;

    @Test
    void theShippedHeaderPassesAndAChangedValueTypeIsReported() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src/lib/abi")).getParent();
        for (String h : List.of("common.h", "abi/metrics.h", "metrics.h")) {
            try (InputStream in = getClass().getResourceAsStream("/dev/senda/bpf/src/lib/" + h)) {
                if (in == null) throw new AssertionError("header " + h + " not on the test classpath");
                Files.copy(in, src.resolve(h));
            }
        }
        Path c = Files.writeString(tmp.resolve("src/counters.c"), """
                #include "lib/metrics.h"
                SEC("tc")
                int count(struct __sk_buff *skb)
                {
                	senda_count(SENDA_M_TC_ERROR);
                	return 0;
                }
                char LICENSE[] SEC("license") = "GPL";
                """);
        Path good = TestSupport.compileBpf(c, tmp.resolve("good.o"), tmp.resolve("src"));
        assertEquals(List.of(DatapathCounters.MAP_NAME), BtfLayoutCheck.verify(good).mapsChecked());

        Path header = src.resolve("abi/metrics.h");
        String text = Files.readString(header);
        assertTrue(text.contains("__type(value, __u64);"), "metrics.h still declares __u64 counters");
        Files.writeString(header, text.replace("__type(value, __u64);", "__type(value, __u32);"));
        Path drifted = TestSupport.compileBpf(c, tmp.resolve("drifted.o"), tmp.resolve("src"));
        AbiMismatchException e = assertThrows(AbiMismatchException.class, () -> BtfLayoutCheck.verify(drifted));
        assertTrue(e.mismatches().contains("map senda_metrics_v1: value type is __u32 in C, __u64 in Java"),
                e.mismatches().toString());
    }
}
