package dev.senda.maps.abi;

import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.Protocol;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_backend4} (8 bytes) / {@code senda_backend6} (20 bytes) for {@link BackendValue}. */
public final class BackendCodec extends StructCodec<BackendValue> {
    public BackendCodec(IpFamily family) {
        super(FamilyStructs.name("backend", family, ""), MemoryLayout.structLayout(
                address(family, "address"),
                field(BE16, "port"),
                field(U8, "proto"),
                field(U8, "state")));
    }

    @Override
    protected void write(BackendValue v, StructBuffer out) {
        out.putAddress("address", v.address());
        out.putU16("port", v.port());
        out.putU8("proto", v.proto().number());
        out.putU8("state", v.state().value());
    }

    @Override
    protected BackendValue read(StructBuffer in) {
        return new BackendValue(in.getAddress("address"), in.getU16("port"), Protocol.ofNumber(in.getU8("proto")),
                BackendState.ofValue(in.getU8("state")));
    }
}
