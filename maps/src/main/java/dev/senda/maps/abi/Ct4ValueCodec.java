package dev.senda.maps.abi;

import dev.senda.maps.lb.CtValue;
import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_ct4_value} (bpf/lib/conntrack.h, 28 bytes, map {@code senda_ct4_v2}) for {@link CtValue}. */
public final class Ct4ValueCodec extends StructCodec<CtValue> {
    public Ct4ValueCodec() {
        super("senda_ct4_value", MemoryLayout.structLayout(
                field(BE32, "nat_addr"),
                field(BE32, "orig_addr"),
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
        out.putIpv4("nat_addr", v.natAddr());
        out.putIpv4("orig_addr", v.origAddr());
        out.putU16("nat_port", v.natPort());
        out.putU16("orig_port", v.origPort());
        out.putU32("service_id", v.serviceId());
        out.putU8("flags", v.flags());
        out.putU32("last_seen", (int) v.lastSeen());
        out.putU32("backend_id", v.backendId());
    }

    @Override
    protected CtValue read(StructBuffer in) {
        return new CtValue(in.getIpv4("nat_addr"), in.getIpv4("orig_addr"), in.getU16("nat_port"),
                in.getU16("orig_port"), in.getU32("service_id"), in.getU8("flags"),
                Integer.toUnsignedLong(in.getU32("last_seen")), in.getU32("backend_id"));
    }
}
