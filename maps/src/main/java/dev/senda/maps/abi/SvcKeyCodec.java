package dev.senda.maps.abi;

import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_svc4_key} (12 bytes) / {@code senda_svc6_key} (24 bytes) for {@link ServiceKey}. */
public final class SvcKeyCodec extends StructCodec<ServiceKey> {
    public SvcKeyCodec(IpFamily family) {
        super(FamilyStructs.name("svc", family, "key"), MemoryLayout.structLayout(
                address(family, "address"),
                field(BE16, "port"),
                field(U8, "proto"),
                field(U8, "scope"),
                field(U16, "slot"),
                field(U16, "pad")));
    }

    @Override
    protected void write(ServiceKey v, StructBuffer out) {
        out.putAddress("address", v.address());
        out.putU16("port", v.port());
        out.putU8("proto", v.proto().number());
        out.putU8("scope", v.scope().value());
        out.putU16("slot", v.slot());
    }

    @Override
    protected ServiceKey read(StructBuffer in) {
        return new ServiceKey(in.getAddress("address"), in.getU16("port"), Protocol.ofNumber(in.getU8("proto")),
                Scope.ofValue(in.getU8("scope")), in.getU16("slot"));
    }
}
