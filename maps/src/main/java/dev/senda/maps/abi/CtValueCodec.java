package dev.senda.maps.abi;

import dev.senda.maps.lb.CtValue;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_ct4_value} (28 bytes) / {@code senda_ct6_value} (52 bytes) for {@link CtValue}. */
public final class CtValueCodec extends StructCodec<CtValue> {
    public CtValueCodec(IpFamily family) {
        super(FamilyStructs.name("ct", family, "value"), MemoryLayout.structLayout(
                address(family, "nat_addr"),
                address(family, "orig_addr"),
                field(BE16, "nat_port"),
                field(BE16, "orig_port"),
                field(U32, "service_id"),
                field(U8, "flags"),
                u8Array(3, "pad"),
                field(U32, "last_seen"),
                field(U32, "backend_id")));
    }

    @Override
    protected void write(CtValue v, StructBuffer out) {
        out.putAddress("nat_addr", v.natAddr());
        out.putAddress("orig_addr", v.origAddr());
        out.putU16("nat_port", v.natPort());
        out.putU16("orig_port", v.origPort());
        out.putU32("service_id", v.serviceId());
        out.putU8("flags", v.flags());
        out.putU32("last_seen", (int) v.lastSeen());
        out.putU32("backend_id", v.backendId());
    }

    @Override
    protected CtValue read(StructBuffer in) {
        return new CtValue(in.getAddress("nat_addr"), in.getAddress("orig_addr"), in.getU16("nat_port"),
                in.getU16("orig_port"), in.getU32("service_id"), in.getU8("flags"),
                Integer.toUnsignedLong(in.getU32("last_seen")), in.getU32("backend_id"));
    }
}
