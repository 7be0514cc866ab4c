package dev.senda.maps.abi;

import dev.senda.maps.lb.SockFlowValue;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_sock_flow4_value} (12 bytes) / {@code senda_sock_flow6_value} (24 bytes) for {@link SockFlowValue}. */
public final class SockFlowValueCodec extends StructCodec<SockFlowValue> {
    public SockFlowValueCodec(IpFamily family) {
        super(FamilyStructs.name("sock_flow", family, "value"), MemoryLayout.structLayout(
                field(U32, "backend_id"),
                address(family, "address"),
                field(BE16, "port"),
                field(U16, "pad")));
    }

    @Override
    protected void write(SockFlowValue v, StructBuffer out) {
        out.putU32("backend_id", v.backendId());
        out.putAddress("address", v.address());
        out.putU16("port", v.port());
    }

    @Override
    protected SockFlowValue read(StructBuffer in) {
        return new SockFlowValue(in.getU32("backend_id"), in.getAddress("address"), in.getU16("port"));
    }
}
