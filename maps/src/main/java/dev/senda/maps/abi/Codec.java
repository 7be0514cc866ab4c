package dev.senda.maps.abi;

/**
 * Encodes one Java type to the bytes of one C type of the map ABI (a struct or a bare scalar key)
 * and back.
 *
 * @param <T> the Java type
 */
public interface Codec<T> {
    /** The C type's name: a struct name without {@code struct}, or a scalar typedef such as {@code __u32}. */
    String cName();

    /** Encoded size in bytes. */
    int size();

    byte[] encode(T value);

    /** Encodes {@code value} into {@code dst} at {@code offset} ({@link #size()} bytes): how batches are built. */
    default void encodeInto(T value, byte[] dst, int offset) {
        System.arraycopy(encode(value), 0, dst, offset, size());
    }

    /** @throws IllegalArgumentException for a wrong length or a field value the type cannot hold */
    T decode(byte[] bytes);
}
