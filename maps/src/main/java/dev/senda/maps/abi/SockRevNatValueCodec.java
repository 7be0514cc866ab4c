package dev.senda.maps.abi;

import dev.senda.maps.lb.SockRevNatValue;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_sock_revnat4_value} (12 bytes) / {@code senda_sock_revnat6_value} (24 bytes) for {@link SockRevNatValue}. */
public final class SockRevNatValueCodec extends StructCodec<SockRevNatValue> {
    public SockRevNatValueCodec(IpFamily family) {
        super(FamilyStructs.name("sock_revnat", family, "value"), MemoryLayout.structLayout(
                address(family, "address"),
                field(BE16, "port"),
                field(U16, "pad"),
                field(U32, "service_id")));
    }

    @Override
    protected void write(SockRevNatValue v, StructBuffer out) {
        out.putAddress("address", v.address());
        out.putU16("port", v.port());
        out.putU32("service_id", v.serviceId());
    }

    @Override
    protected SockRevNatValue read(StructBuffer in) {
        return new SockRevNatValue(in.getAddress("address"), in.getU16("port"), in.getU32("service_id"));
    }
}
