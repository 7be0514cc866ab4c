package dev.senda.maps.abi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * A bare host-order {@code __u32} key (backend ids, service ids) for a Java key type that carries
 * more than the number (its family, say): the extra part comes from which map the key is read from.
 * Ids are unsigned; Java ints carry the same 32 bits.
 *
 * @param <T> the Java key type
 */
public final class U32Codec<T> implements Codec<T> {
    public static final int SIZE = 4;
    private static final VarHandle HOST_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private final ToIntFunction<T> toId;
    private final IntFunction<T> fromId;

    public U32Codec(ToIntFunction<T> toId, IntFunction<T> fromId) {
        this.toId = toId;
        this.fromId = fromId;
    }

    @Override
    public String cName() {
        return "__u32";
    }

    @Override
    public int size() {
        return SIZE;
    }

    @Override
    public byte[] encode(T value) {
        return encode(toId.applyAsInt(value));
    }

    /** Straight into {@code dst}: no buffer per key of a batch. */
    @Override
    public void encodeInto(T value, byte[] dst, int offset) {
        HOST_INT.set(dst, offset, toId.applyAsInt(value));
    }

    @Override
    public T decode(byte[] bytes) {
        return fromId.apply(decodeInt(bytes));
    }

    public static byte[] encode(int value) {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    public static int decodeInt(byte[] bytes) {
        if (bytes.length != SIZE) throw new IllegalArgumentException("__u32 is 4 bytes, got " + bytes.length);
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt();
    }
}
