package dev.senda.maps.abi;

import dev.senda.maps.nat.NatValue;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_nat4_value} (12 bytes) / {@code senda_nat6_value} (24 bytes) for {@link NatValue}. */
public final class NatValueCodec extends StructCodec<NatValue> {
    public NatValueCodec(IpFamily family) {
        super(FamilyStructs.name("nat", family, "value"), MemoryLayout.structLayout(
                address(family, "address"),
                field(BE16, "port"),
                field(U8, "flags"),
                field(U8, "pad"),
                field(U32, "last_seen")));
    }

    @Override
    protected void write(NatValue v, StructBuffer out) {
        out.putAddress("address", v.address());
        out.putU16("port", v.port());
        out.putU8("flags", v.flags());
        out.putU32("last_seen", (int) v.lastSeen());
    }

    @Override
    protected NatValue read(StructBuffer in) {
        return new NatValue(in.getAddress("address"), in.getU16("port"), in.getU8("flags"),
                Integer.toUnsignedLong(in.getU32("last_seen")));
    }
}
