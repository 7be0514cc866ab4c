package dev.senda.maps.abi;

import java.lang.foreign.StructLayout;
import java.util.Objects;

/**
 * Encodes one record type to the bytes of one C struct of the map ABI and back.
 *
 * <p>The {@link #layout()} mirrors the C struct field by field: same names (padding fields
 * included, written as zero), same offsets and sizes, byte order per field (see {@link CTypes}).
 * {@link BtfLayoutCheck} compares it with the struct in a compiled object's BTF, so drift
 * between C and Java fails loudly.
 *
 * @param <T> the record type
 */
public abstract class StructCodec<T> implements Codec<T> {
    private final String cName;
    private final StructLayout layout;
    private final StructBuffer.Fields fields;

    protected StructCodec(String cName, StructLayout layout) {
        this.cName = Objects.requireNonNull(cName);
        this.layout = Objects.requireNonNull(layout).withName(cName);
        this.fields = new StructBuffer.Fields(this.layout);
    }

    /** The C struct's name, without {@code struct}. */
    @Override
    public final String cName() {
        return cName;
    }

    public final StructLayout layout() {
        return layout;
    }

    /** Size of the encoded struct in bytes. */
    @Override
    public final int size() {
        return (int) layout.byteSize();
    }

    /** The struct's bytes for {@code value}; padding is zero. */
    @Override
    public final byte[] encode(T value) {
        Objects.requireNonNull(value, "value");
        byte[] bytes = new byte[fields.size()];
        write(value, new StructBuffer(fields, bytes, 0));
        return bytes;
    }

    /** As {@link #encode}, straight into {@code dst}: no intermediate array per element of a batch. */
    @Override
    public final void encodeInto(T value, byte[] dst, int offset) {
        Objects.requireNonNull(value, "value");
        StructBuffer buffer = new StructBuffer(fields, dst, offset);
        buffer.clear();
        write(value, buffer);
    }

    /**
     * The record stored in {@code bytes}.
     *
     * @throws IllegalArgumentException if the length is wrong or a field holds a value the
     *                                  record cannot represent (e.g. an unknown protocol)
     */
    @Override
    public final T decode(byte[] bytes) {
        if (bytes.length != size()) {
            throw new IllegalArgumentException("struct " + cName + " is " + size() + " bytes, got " + bytes.length);
        }
        return read(new StructBuffer(fields, bytes, 0));
    }

    /** The record stored at {@code offset} of {@code bytes} (a struct inside a larger one), read in place. */
    final T decodeAt(byte[] bytes, int offset) {
        return read(new StructBuffer(fields, bytes, offset));
    }

    protected abstract void write(T value, StructBuffer out);

    protected abstract T read(StructBuffer in);

    @Override
    public String toString() {
        return "StructCodec[struct " + cName + ", " + size() + " bytes]";
    }
}
