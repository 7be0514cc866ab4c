package dev.senda.maps.abi;

import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.SockFlowKey;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_sock_flow4_key} (bpf/lib/sock_flow.h, 16 bytes) for {@link SockFlowKey}. */
public final class SockFlow4KeyCodec extends StructCodec<SockFlowKey> {
    public SockFlow4KeyCodec() {
        super("senda_sock_flow4_key", MemoryLayout.structLayout(
                field(U64, "cookie"),
                field(BE32, "address"),
                field(BE16, "port"),
                field(U8, "proto"),
                field(U8, "pad")));
    }

    @Override
    protected void write(SockFlowKey v, StructBuffer out) {
        out.putU64("cookie", v.cookie());
        out.putIpv4("address", v.address());
        out.putU16("port", v.port());
        out.putU8("proto", v.proto().number());
    }

    @Override
    protected SockFlowKey read(StructBuffer in) {
        return new SockFlowKey(in.getU64("cookie"), in.getIpv4("address"), in.getU16("port"),
                Protocol.ofNumber(in.getU8("proto")));
    }
}
