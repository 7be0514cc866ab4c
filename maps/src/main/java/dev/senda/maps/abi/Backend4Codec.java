package dev.senda.maps.abi;

import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.Protocol;
import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_backend4} (bpf/lib/lb.h, 8 bytes) for {@link BackendValue}. */
public final class Backend4Codec extends StructCodec<BackendValue> {
    public Backend4Codec() {
        super("senda_backend4", MemoryLayout.structLayout(
                field(BE32, "address"),
                field(BE16, "port"),
                field(U8, "proto"),
                field(U8, "state")));
    }

    @Override
    protected void write(BackendValue v, StructBuffer out) {
        out.putIpv4("address", v.address());
        out.putU16("port", v.port());
        out.putU8("proto", v.proto().number());
        out.putU8("state", v.state().value());
    }

    @Override
    protected BackendValue read(StructBuffer in) {
        return new BackendValue(in.getIpv4("address"), in.getU16("port"), Protocol.ofNumber(in.getU8("proto")),
                BackendState.ofValue(in.getU8("state")));
    }
}
