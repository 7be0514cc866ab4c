package dev.senda.maps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Datapath objects as other versions would ship them, built from the shipped sources for upgrade,
 * downgrade and rejection tests (also in the test-jar). Each is written as {@code dir/senda_tc.o}, the
 * name the agent's {@code --bpf-object-dir} replaces.
 */
public final class DatapathVariants {
    /** The map the next layout renames (one version up) and its value's added field. */
    public static final String NEXT_CT4_MAP = "senda_ct4_v3";
    public static final int NEXT_CT4_VALUE_SIZE = 32;

    private DatapathVariants() {
    }

    /**
     * senda_tc.o of a simulated next version: the conntrack value grows by one field at the end (32
     * bytes instead of 28) and the map is {@value #NEXT_CT4_MAP}, as the append-only rule of
     * bpf/lib/abi/ct4.h asks; everything else as shipped.
     */
    public static Path nextLayoutTc(Path dir) {
        return TestSupport.compileShippedVariant("senda_tc.c", dir.resolve("senda_tc.o"),
                "senda_ct4_v2=" + NEXT_CT4_MAP, "senda_ct4_value=senda_ct4_value_next",
                "SENDA_TEST_CT4_VALUE_TAIL=__u32 next_field;");
    }

    /**
     * A senda_tc.o the verifier rejects: the three tc programs by their shipped names, each reading the
     * packet without checking its end ("invalid access to packet"). It declares a Senda map so that the
     * layout check before loading passes, as a real broken build would.
     */
    public static Path rejectedTc(Path dir) {
        String source = """
                #include "lib/abi/metrics.h"
                static __always_inline int unchecked(struct __sk_buff *skb)
                {
                	__u8 *data = (void *)(long)skb->data;
                	return data[20]; /* no check against data_end */
                }
                SEC("tc") int senda_tc_from_pod(struct __sk_buff *skb) { return unchecked(skb); }
                SEC("tc") int senda_tc_to_pod(struct __sk_buff *skb) { return unchecked(skb); }
                SEC("tc") int senda_tc_from_net(struct __sk_buff *skb) { return unchecked(skb); }
                char LICENSE[] SEC("license") = "Dual BSD/GPL";
                """;
        try {
            Path c = Files.writeString(Files.createTempFile(dir, "rejected_tc", ".c"), source);
            try {
                return TestSupport.compileBpf(c, dir.resolve("senda_tc.o"), TestSupport.shippedSourceDir());
            } finally {
                Files.deleteIfExists(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
