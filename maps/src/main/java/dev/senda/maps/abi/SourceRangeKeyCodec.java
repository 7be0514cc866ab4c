package dev.senda.maps.abi;

import dev.senda.maps.lb.SourceRangeKey;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/**
 * {@code struct senda_srcrange4_key} (12 bytes) / {@code senda_srcrange6_key} (24 bytes) for
 * {@link SourceRangeKey}: an LPM-trie key whose prefixlen covers the service id (32 bits) and then
 * the range's prefix.
 */
public final class SourceRangeKeyCodec extends StructCodec<SourceRangeKey> {
    /** Bits of the C prefixlen taken by the service id ({@code SENDA_SRC_RANGE_ID_BITS}). */
    public static final int ID_BITS = 32;

    public SourceRangeKeyCodec(IpFamily family) {
        super(FamilyStructs.name("srcrange", family, "key"), MemoryLayout.structLayout(
                field(U32, "prefixlen"),
                field(U32, "service_id"),
                address(family, "address")));
    }

    @Override
    protected void write(SourceRangeKey v, StructBuffer out) {
        out.putU32("prefixlen", ID_BITS + v.prefixLength());
        out.putU32("service_id", v.serviceId());
        out.putAddress("address", v.network());
    }

    @Override
    protected SourceRangeKey read(StructBuffer in) {
        int bits = in.getU32("prefixlen") - ID_BITS;
        // an entry shorter than the id (never written by Senda) is out of range and rejected here
        return new SourceRangeKey(in.getU32("service_id"), in.getAddress("address"), bits);
    }
}
