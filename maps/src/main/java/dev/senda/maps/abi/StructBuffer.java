package dev.senda.maps.abi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

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
        private final Map<String, Long> sizes = new HashMap<>();

        Fields(StructLayout layout) {
            this.layout = layout;
            for (MemoryLayout m : layout.memberLayouts()) {
                if (m.name().isEmpty()) continue;
                offsets.put(m.name().get(), layout.byteOffset(groupElement(m.name().get())));
                sizes.put(m.name().get(), m.byteSize());
                if (m instanceof ValueLayout v) layouts.put(m.name().get(), v);
            }
        }

        ValueLayout layout(String field) {
            ValueLayout v = layouts.get(field);
            if (v == null) throw new IllegalArgumentException("struct " + layout.name().orElse("?") + " has no scalar field " + field);
            return v;
        }

        long offset(String field) {
            Long off = offsets.get(field);
            if (off == null) throw new IllegalArgumentException("struct " + layout.name().orElse("?") + " has no field " + field);
            return off;
        }

        long size(String field) {
            offset(field);
            return sizes.get(field);
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

    void copyTo(byte[] dst, int offset) {
        MemorySegment.copy(segment, JAVA_BYTE, 0, dst, offset, (int) layout.byteSize());
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

    /**
     * An address into an address field ({@link CTypes#address}): its 4 or 16 bytes in wire order.
     *
     * @throws IllegalArgumentException when the address's family does not fit the field
     */
    public void putAddress(String field, IpAddress address) {
        long size = fields.size(field);
        byte[] b = address.bytes();
        if (b.length != size) {
            throw new IllegalArgumentException("field " + field + " holds " + size + "-byte addresses, not "
                    + address.family() + " " + address);
        }
        MemorySegment.copy(MemorySegment.ofArray(b), 0, segment, offset(field), size);
    }

    /** The address in an address field: IPv4 for a 4-byte field, IPv6 for a 16-byte one. */
    public IpAddress getAddress(String field) {
        long size = fields.size(field);
        if (size != IpFamily.IPV4.byteLength() && size != IpFamily.IPV6.byteLength()) {
            throw new IllegalArgumentException("field " + field + " is " + size + " bytes, not an address");
        }
        return IpAddress.of(segment.asSlice(offset(field), size).toArray(JAVA_BYTE));
    }

    /**
     * Element {@code index} of an array-of-structs field ({@code struct x name[n]}), encoded by
     * {@code codec}, whose size is the element's.
     */
    public <T> void putStruct(String field, int index, StructCodec<T> codec, T value) {
        MemorySegment.copy(MemorySegment.ofArray(codec.encode(value)), 0, segment, elementOffset(field, index, codec),
                codec.size());
    }

    /** Element {@code index} of an array-of-structs field, decoded by {@code codec}. */
    public <T> T getStruct(String field, int index, StructCodec<T> codec) {
        long off = elementOffset(field, index, codec);
        return codec.decode(segment.asSlice(off, codec.size()).toArray(JAVA_BYTE));
    }

    private long elementOffset(String field, int index, StructCodec<?> codec) {
        long size = fields.size(field);
        if (index < 0 || (long) (index + 1) * codec.size() > size) {
            throw new IndexOutOfBoundsException("element " + index + " of " + field + " (" + size + " bytes of "
                    + codec.cName() + ")");
        }
        return offset(field) + (long) index * codec.size();
    }

    private ValueLayout select(String field) {
        return fields.layout(field);
    }

    private long offset(String field) {
        return fields.offset(field);
    }
}
