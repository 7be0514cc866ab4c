package dev.senda.maps.abi;

import dev.senda.maps.lb.RevNatValue;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_revnat4} (8 bytes) / {@code senda_revnat6} (20 bytes) for {@link RevNatValue}. */
public final class RevNatCodec extends StructCodec<RevNatValue> {
    public RevNatCodec(IpFamily family) {
        super(FamilyStructs.name("revnat", family, ""), MemoryLayout.structLayout(
                address(family, "address"),
                field(BE16, "port"),
                field(U16, "pad")));
    }

    @Override
    protected void write(RevNatValue v, StructBuffer out) {
        out.putAddress("address", v.address());
        out.putU16("port", v.port());
    }

    @Override
    protected RevNatValue read(StructBuffer in) {
        return new RevNatValue(in.getAddress("address"), in.getU16("port"));
    }
}
