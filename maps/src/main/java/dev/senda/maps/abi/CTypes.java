package dev.senda.maps.abi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import dev.senda.net.IpFamily;

/**
 * The C field types of the map ABI as FFM layouts, with the byte order each one carries.
 * "be" types are network order whatever the CPU; "host" types follow the node's CPU, exactly
 * like the BPF program running on that node sees them.
 */
public final class CTypes {
    private CTypes() {
    }

    /** {@code __be32}. */
    public static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    /** {@code __be16}. */
    public static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    /** {@code __u64}, host order. */
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.nativeOrder());
    /** {@code __u32}, host order. */
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.nativeOrder());
    /** {@code __u16}, host order. */
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.nativeOrder());
    /** {@code __u8}. */
    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;

    /** A named field. */
    public static MemoryLayout field(MemoryLayout type, String name) {
        return type.withName(name);
    }

    /**
     * An address field of the family's width: {@code __be32 name} for IPv4, {@code __be32 name[4]}
     * for IPv6 (16 bytes in wire order, word-aligned as the kernel's {@code in6_addr} words are).
     */
    public static MemoryLayout address(IpFamily family, String name) {
        return family == IpFamily.IPV4 ? BE32.withName(name) : MemoryLayout.sequenceLayout(4, BE32).withName(name);
    }

    /** A named {@code __u8 name[n]} array (used for explicit padding such as {@code pad[3]}). */
    public static MemoryLayout u8Array(int n, String name) {
        return MemoryLayout.sequenceLayout(n, U8).withName(name);
    }
}
