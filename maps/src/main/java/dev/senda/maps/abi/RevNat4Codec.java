package dev.senda.maps.abi;

import dev.senda.maps.lb.RevNatValue;
import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_revnat4} (bpf/lib/lb.h, 8 bytes) for {@link RevNatValue}. */
public final class RevNat4Codec extends StructCodec<RevNatValue> {
    public RevNat4Codec() {
        super("senda_revnat4", MemoryLayout.structLayout(
                field(BE32, "address"),
                field(BE16, "port"),
                field(U16, "pad")));
    }

    @Override
    protected void write(RevNatValue v, StructBuffer out) {
        out.putIpv4("address", v.address());
        out.putU16("port", v.port());
    }

    @Override
    protected RevNatValue read(StructBuffer in) {
        return new RevNatValue(in.getIpv4("address"), in.getU16("port"));
    }
}
