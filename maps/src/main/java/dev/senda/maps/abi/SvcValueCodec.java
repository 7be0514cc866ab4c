package dev.senda.maps.abi;

import dev.senda.maps.lb.ServiceValue;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_svc4_value} / {@code senda_svc6_value} (12 bytes each, the same fields) for {@link ServiceValue}. */
public final class SvcValueCodec extends StructCodec<ServiceValue> {
    public SvcValueCodec(IpFamily family) {
        super(FamilyStructs.name("svc", family, "value"), MemoryLayout.structLayout(
                field(U32, "backend_id"),
                field(U32, "service_id"),
                field(U16, "count"),
                field(U8, "flags"),
                field(U8, "pad")));
    }

    @Override
    protected void write(ServiceValue v, StructBuffer out) {
        out.putU32("backend_id", v.backendId());
        out.putU32("service_id", v.serviceId());
        out.putU16("count", v.count());
        out.putU8("flags", v.flags());
    }

    @Override
    protected ServiceValue read(StructBuffer in) {
        return new ServiceValue(in.getU32("backend_id"), in.getU32("service_id"), in.getU16("count"), in.getU8("flags"));
    }
}
