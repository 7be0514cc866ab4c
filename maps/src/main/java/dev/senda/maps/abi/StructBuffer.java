package dev.senda.maps.abi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * One struct's bytes with field access by name; the field's layout decides width and byte
 * order, so codecs never spell out endianness themselves.
 *
 * <p>A view of {@code size} bytes of a {@code byte[]} at an offset: an encode writes straight into
 * the destination (a batch buffer holds 100,000s of structs back to back), a decode reads the
 * source in place. Fields are resolved once per codec ({@link Fields}: one lookup per access) and
 * written through byte-array views of a fixed byte order, which cost next to nothing; going through
 * a memory segment with the field's layout as a variable cost a guard and an alignment check per
 * access. Unsigned C values are passed as Java ints/longs of the same width (bits preserved).
 */
public final class StructBuffer {
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Fields fields;
    private final byte[] bytes;
    private final int base;

    /**
     * One field: where it is, how long, and for a scalar its width and byte order.
     *
     * @param carrier the scalar's Java carrier ({@code byte.class}, ...), null for an aggregate field
     */
    record Field(String name, int offset, int size, Class<?> carrier, boolean bigEndian) {
    }

    /**
     * Offsets and layouts of a struct's top-level fields, resolved once per codec: resolving
     * layout paths on every access would dominate the cost of an encode.
     */
    static final class Fields {
        private final StructLayout layout;
        private final int size;
        /** In declaration order: a struct has a handful of fields, see {@link #field}. */
        private final Field[] all;
        private final Map<String, Field> byName = new HashMap<>();

        Fields(StructLayout layout) {
            this.layout = layout;
            this.size = (int) layout.byteSize();
            for (MemoryLayout m : layout.memberLayouts()) {
                if (m.name().isEmpty()) continue;
                String name = m.name().get();
                int offset = (int) layout.byteOffset(groupElement(name));
                byName.put(name, m instanceof ValueLayout v
                        ? new Field(name, offset, (int) m.byteSize(), v.carrier(), v.order() == ByteOrder.BIG_ENDIAN)
                        : new Field(name, offset, (int) m.byteSize(), null, false));
            }
            all = layout.memberLayouts().stream().flatMap(m -> m.name().stream()).map(byName::get).toArray(Field[]::new);
        }

        int size() {
            return size;
        }

        Field field(String name) {
            // Codecs name fields with literals, which are interned: comparing references over a handful
            // of fields finds them without hashing, on every access of 100,000s of encodes per sync.
            for (Field f : all) {
                if (f.name() == name) return f;
            }
            Field f = byName.get(name);
            if (f == null) throw new IllegalArgumentException("struct " + layout.name().orElse("?") + " has no field " + name);
            return f;
        }

        /** A scalar field whose Java carrier is {@code carrier}. */
        Field scalar(String name, Class<?> carrier) {
            Field f = field(name);
            if (f.carrier() != carrier) {
                throw new IllegalArgumentException("struct " + layout.name().orElse("?") + " has no "
                        + carrier.getSimpleName() + " scalar field " + name);
            }
            return f;
        }
    }

    /** A view of {@code fields.size()} bytes of {@code bytes} from {@code base}, read and written in place. */
    StructBuffer(Fields fields, byte[] bytes, int base) {
        if (base < 0 || base + fields.size() > bytes.length) {
            throw new IndexOutOfBoundsException("struct of " + fields.size() + " bytes at " + base + " of " + bytes.length);
        }
        this.fields = fields;
        this.bytes = bytes;
        this.base = base;
    }

    /** Zeroes the struct's bytes (its padding must be zero in the map). */
    void clear() {
        Arrays.fill(bytes, base, base + fields.size(), (byte) 0);
    }

    public void putU8(String field, int value) {
        bytes[base + fields.scalar(field, byte.class).offset()] = (byte) value;
    }

    public int getU8(String field) {
        return Byte.toUnsignedInt(bytes[base + fields.scalar(field, byte.class).offset()]);
    }

    public void putU16(String field, int value) {
        Field f = fields.scalar(field, short.class);
        if (f.bigEndian()) SHORT_BE.set(bytes, base + f.offset(), (short) value);
        else SHORT_LE.set(bytes, base + f.offset(), (short) value);
    }

    public int getU16(String field) {
        Field f = fields.scalar(field, short.class);
        int at = base + f.offset();
        return Short.toUnsignedInt(f.bigEndian() ? (short) SHORT_BE.get(bytes, at) : (short) SHORT_LE.get(bytes, at));
    }

    public void putU32(String field, int value) {
        Field f = fields.scalar(field, int.class);
        if (f.bigEndian()) INT_BE.set(bytes, base + f.offset(), value);
        else INT_LE.set(bytes, base + f.offset(), value);
    }

    public int getU32(String field) {
        Field f = fields.scalar(field, int.class);
        int at = base + f.offset();
        return f.bigEndian() ? (int) INT_BE.get(bytes, at) : (int) INT_LE.get(bytes, at);
    }

    public void putU64(String field, long value) {
        Field f = fields.scalar(field, long.class);
        if (f.bigEndian()) LONG_BE.set(bytes, base + f.offset(), value);
        else LONG_LE.set(bytes, base + f.offset(), value);
    }

    public long getU64(String field) {
        Field f = fields.scalar(field, long.class);
        int at = base + f.offset();
        return f.bigEndian() ? (long) LONG_BE.get(bytes, at) : (long) LONG_LE.get(bytes, at);
    }

    /**
     * An address into an address field ({@link CTypes#address}): its 4 or 16 bytes in wire order.
     *
     * @throws IllegalArgumentException when the address's family does not fit the field
     */
    public void putAddress(String field, IpAddress address) {
        Field f = fields.field(field);
        if (address.family().byteLength() != f.size()) {
            throw new IllegalArgumentException("field " + field + " holds " + f.size() + "-byte addresses, not "
                    + address.family() + " " + address);
        }
        int at = base + f.offset();
        if (address.family() == IpFamily.IPV4) {
            INT_BE.set(bytes, at, (int) address.low());
        } else {
            LONG_BE.set(bytes, at, address.high());
            LONG_BE.set(bytes, at + 8, address.low());
        }
    }

    /** The address in an address field: IPv4 for a 4-byte field, IPv6 for a 16-byte one. */
    public IpAddress getAddress(String field) {
        Field f = fields.field(field);
        int at = base + f.offset();
        if (f.size() == IpFamily.IPV4.byteLength()) {
            return new IpAddress(IpFamily.IPV4, 0, Integer.toUnsignedLong((int) INT_BE.get(bytes, at)));
        }
        if (f.size() == IpFamily.IPV6.byteLength()) {
            return new IpAddress(IpFamily.IPV6, (long) LONG_BE.get(bytes, at), (long) LONG_BE.get(bytes, at + 8));
        }
        throw new IllegalArgumentException("field " + field + " is " + f.size() + " bytes, not an address");
    }

    /**
     * Element {@code index} of an array-of-structs field ({@code struct x name[n]}), encoded by
     * {@code codec}, whose size is the element's.
     */
    public <T> void putStruct(String field, int index, StructCodec<T> codec, T value) {
        codec.encodeInto(value, bytes, elementOffset(field, index, codec));
    }

    /** Element {@code index} of an array-of-structs field, decoded by {@code codec}. */
    public <T> T getStruct(String field, int index, StructCodec<T> codec) {
        return codec.decodeAt(bytes, elementOffset(field, index, codec));
    }

    /** Where element {@code index} of an array-of-structs field starts in {@link #bytes}. */
    private int elementOffset(String field, int index, StructCodec<?> codec) {
        Field f = fields.field(field);
        if (index < 0 || (long) (index + 1) * codec.size() > f.size()) {
            throw new IndexOutOfBoundsException("element " + index + " of " + field + " (" + f.size() + " bytes of "
                    + codec.cName() + ")");
        }
        return base + f.offset() + index * codec.size();
    }
}
