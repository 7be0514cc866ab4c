package dev.senda.maps.lb;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.libbpf.BpfMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Carries the tc conntrack over from {@code senda_ct4_v1} (24-byte value) to
 * {@code senda_ct4_v2} (the same fields, then {@code backend_id}), so that an agent upgrade does
 * not cut the established flows of the per-packet datapath: without their forward entries their
 * next segments would be balanced like new flows, to a backend that knows nothing of them.
 *
 * <p>Migrated entries get backend id 0 ("unknown", ids start at 1): established TCP keeps its
 * backend as before, while a UDP datagram or a TCP SYN of such a flow is balanced afresh once
 * (the datapath cannot tell whether the old backend still exists).
 *
 * <p>Call it after the new object is loaded (its {@code senda_ct4_v2} pinned) and before its tc
 * program replaces the old one on the interfaces; flows the old program creates after the copy
 * are not carried over. The v1 pin is removed at the end, so a second run finds nothing.
 */
public final class ConntrackMigration {
    /** The retired map's name (also its pin's file name). */
    public static final String V1_MAP = "senda_ct4_v1";
    static final int V1_VALUE_SIZE = 24;

    private ConntrackMigration() {
    }

    /**
     * Copies every entry of the {@code senda_ct4_v1} pin under {@code bpffsRoot} into {@code v2},
     * then removes that pin.
     *
     * @param v2 the new object's {@code senda_ct4_v2}
     * @return entries copied; 0 when there is no v1 pin
     * @throws IllegalArgumentException when {@code v2} or the v1 pin does not have the expected sizes
     *                                  (the v1 pin is then left alone)
     */
    public static int fromV1(Path bpffsRoot, BpfMap v2) {
        if (v2.keySize() != Codecs.CT4_KEY.size() || v2.valueSize() != Codecs.CT4_VALUE.size()) {
            throw new IllegalArgumentException("map " + v2.name() + " is " + v2.keySize() + "/" + v2.valueSize()
                    + " bytes, " + Codecs.CT4_MAP.mapName() + " wants " + Codecs.CT4_KEY.size() + "/"
                    + Codecs.CT4_VALUE.size());
        }
        Path pin = bpffsRoot.resolve(V1_MAP);
        if (!Files.exists(pin)) return 0;
        int copied = 0;
        try (BpfMap v1 = BpfMap.openPinned(pin)) {
            if (v1.keySize() != Codecs.CT4_KEY.size() || v1.valueSize() != V1_VALUE_SIZE) {
                throw new IllegalArgumentException(pin + " is " + v1.keySize() + "/" + v1.valueSize()
                        + " bytes, not the senda_ct4_v1 layout " + Codecs.CT4_KEY.size() + "/" + V1_VALUE_SIZE);
            }
            for (byte[] key : v1.keys()) {
                byte[] old = v1.lookup(key);
                if (old == null) continue;  // evicted meanwhile
                // v2 = v1's 24 bytes unchanged, then backend_id = 0
                v2.update(key, Arrays.copyOf(old, Codecs.CT4_VALUE.size()));
                copied++;
            }
        }
        try {
            Files.delete(pin);
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + pin, e);
        }
        return copied;
    }
}
