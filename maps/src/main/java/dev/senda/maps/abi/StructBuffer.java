package dev.senda.maps.abi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One struct's bytes with field access by name; the field's layout decides width and byte
 * order, so codecs never spell out endianness themselves.
 *
 * <p>Backed by a {@code long[]} so the segment is 8-byte aligned and the (naturally aligned)
 * struct layout can be used as is: a {@code byte[]}-backed segment would reject aligned access.
 * Unsigned C values are passed as Java ints/longs of the same width (bits preserved).
 */
public final class StructBuffer {
    private final Fields fields;
    private final StructLayout layout;
    private final MemorySegment segment;

    /**
     * Offsets and layouts of a struct's top-level fields, resolved once per codec: resolving
     * layout paths on every access would dominate the cost of an encode.
     */
    static final class Fields {
        private final StructLayout layout;
        private final Map<String, ValueLayout> layouts = new HashMap<>();
        private final Map<String, Long> offsets = new HashMap<>();

        Fields(StructLayout layout) {
            this.layout = layout;
            for (MemoryLayout m : layout.memberLayouts()) {
                if (m.name().isEmpty() || !(m instanceof ValueLayout v)) continue;
                layouts.put(m.name().get(), v);
                offsets.put(m.name().get(), layout.byteOffset(groupElement(m.name().get())));
            }
        }

        ValueLayout layout(String field) {
            ValueLayout v = layouts.get(field);
            if (v == null) throw new IllegalArgumentException("struct " + layout.name().orElse("?") + " has no scalar field " + field);
            return v;
        }

        long offset(String field) {
            return offsets.get(field);
        }
    }

    StructBuffer(Fields fields) {
        this.fields = fields;
        this.layout = fields.layout;
        this.segment = MemorySegment.ofArray(new long[(int) ((layout.byteSize() + 7) / 8)]);
    }

    StructBuffer(Fields fields, byte[] bytes) {
        this(fields);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, 0, layout.byteSize());
    }

    byte[] bytes() {
        return segment.asSlice(0, layout.byteSize()).toArray(JAVA_BYTE);
    }

    public void putU8(String field, int value) {
        segment.set((ValueLayout.OfByte) select(field), offset(field), (byte) value);
    }

    public int getU8(String field) {
        return Byte.toUnsignedInt(segment.get((ValueLayout.OfByte) select(field), offset(field)));
    }

    public void putU16(String field, int value) {
        segment.set((ValueLayout.OfShort) select(field), offset(field), (short) value);
    }

    public int getU16(String field) {
        return Short.toUnsignedInt(segment.get((ValueLayout.OfShort) select(field), offset(field)));
    }

    public void putU32(String field, int value) {
        segment.set((ValueLayout.OfInt) select(field), offset(field), value);
    }

    public int getU32(String field) {
        return segment.get((ValueLayout.OfInt) select(field), offset(field));
    }

    public void putU64(String field, long value) {
        segment.set((ValueLayout.OfLong) select(field), offset(field), value);
    }

    public long getU64(String field) {
        return segment.get((ValueLayout.OfLong) select(field), offset(field));
    }

    /** An IPv4 address into a {@code __be32} field: its four bytes in wire order. */
    public void putIpv4(String field, Inet4Address address) {
        byte[] b = address.getAddress();
        putU32(field, (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff));
    }

    public Inet4Address getIpv4(String field) {
        int v = getU32(field);
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        try {
            return (Inet4Address) InetAddress.getByAddress(b); // a 4-byte literal: no DNS
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private ValueLayout select(String field) {
        return fields.layout(field);
    }

    private long offset(String field) {
        return fields.offset(field);
    }
}
