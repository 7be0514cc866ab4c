package dev.senda.maps.abi;

import dev.senda.maps.lb.SockRevNatValue;
import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_sock_revnat4_value} (bpf/lib/sock_revnat.h, 12 bytes) for {@link SockRevNatValue}. */
public final class SockRevNat4ValueCodec extends StructCodec<SockRevNatValue> {
    public SockRevNat4ValueCodec() {
        super("senda_sock_revnat4_value", MemoryLayout.structLayout(
                field(BE32, "address"),
                field(BE16, "port"),
                field(U16, "pad"),
                field(U32, "service_id")));
    }

    @Override
    protected void write(SockRevNatValue v, StructBuffer out) {
        out.putIpv4("address", v.address());
        out.putU16("port", v.port());
        out.putU32("service_id", v.serviceId());
    }

    @Override
    protected SockRevNatValue read(StructBuffer in) {
        return new SockRevNatValue(in.getIpv4("address"), in.getU16("port"), in.getU32("service_id"));
    }
}
