package dev.senda.maps.abi;

import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.SockFlowKey;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_sock_flow4_key} (16 bytes) / {@code senda_sock_flow6_key} (32 bytes) for {@link SockFlowKey}. */
public final class SockFlowKeyCodec extends StructCodec<SockFlowKey> {
    public SockFlowKeyCodec(IpFamily family) {
        super(FamilyStructs.name("sock_flow", family, "key"), MemoryLayout.structLayout(
                field(U64, "cookie"),
                address(family, "address"),
                field(BE16, "port"),
                field(U8, "proto"),
                // pads the struct to its 8-byte alignment: 1 byte after an IPv4 address, 5 after IPv6
                family == IpFamily.IPV4 ? field(U8, "pad") : u8Array(5, "pad")));
    }

    @Override
    protected void write(SockFlowKey v, StructBuffer out) {
        out.putU64("cookie", v.cookie());
        out.putAddress("address", v.address());
        out.putU16("port", v.port());
        out.putU8("proto", v.proto().number());
    }

    @Override
    protected SockFlowKey read(StructBuffer in) {
        return new SockFlowKey(in.getU64("cookie"), in.getAddress("address"), in.getU16("port"),
                Protocol.ofNumber(in.getU8("proto")));
    }
}
