package dev.senda.maps.abi;

import dev.senda.maps.lb.SockFlowValue;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_sock_flow4_value} (bpf/lib/sock_flow.h, 12 bytes) for {@link SockFlowValue}. */
public final class SockFlow4ValueCodec extends StructCodec<SockFlowValue> {
    public SockFlow4ValueCodec() {
        super("senda_sock_flow4_value", MemoryLayout.structLayout(
                field(U32, "backend_id"),
                field(BE32, "address"),
                field(BE16, "port"),
                field(U16, "pad")));
    }

    @Override
    protected void write(SockFlowValue v, StructBuffer out) {
        out.putU32("backend_id", v.backendId());
        out.putIpv4("address", v.address());
        out.putU16("port", v.port());
    }

    @Override
    protected SockFlowValue read(StructBuffer in) {
        return new SockFlowValue(in.getU32("backend_id"), in.getIpv4("address"), in.getU16("port"));
    }
}
