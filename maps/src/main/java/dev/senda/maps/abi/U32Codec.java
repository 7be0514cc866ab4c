package dev.senda.maps.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A bare host-order {@code __u32}: the key of {@code senda_backend4_v1} (backend id) and
 * {@code senda_revnat4_v1} (service id). Ids are unsigned; Java ints carry the same 32 bits.
 */
public final class U32Codec {
    public static final int SIZE = 4;

    private U32Codec() {
    }

    public static byte[] encode(int value) {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    public static int decode(byte[] bytes) {
        if (bytes.length != SIZE) throw new IllegalArgumentException("__u32 is 4 bytes, got " + bytes.length);
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt();
    }
}
