package dev.senda.maps.abi;

import dev.senda.maps.lb.SockRevNatKey;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_sock_revnat4_key} (16 bytes) / {@code senda_sock_revnat6_key} (32 bytes) for {@link SockRevNatKey}. */
public final class SockRevNatKeyCodec extends StructCodec<SockRevNatKey> {
    public SockRevNatKeyCodec(IpFamily family) {
        super(FamilyStructs.name("sock_revnat", family, "key"), MemoryLayout.structLayout(
                field(U64, "cookie"),
                address(family, "address"),
                field(BE16, "port"),
                // pads the struct to its 8-byte alignment: 2 bytes after an IPv4 address, 6 after IPv6
                family == IpFamily.IPV4 ? field(U16, "pad") : u8Array(6, "pad")));
    }

    @Override
    protected void write(SockRevNatKey v, StructBuffer out) {
        out.putU64("cookie", v.cookie());
        out.putAddress("address", v.address());
        out.putU16("port", v.port());
    }

    @Override
    protected SockRevNatKey read(StructBuffer in) {
        return new SockRevNatKey(in.getU64("cookie"), in.getAddress("address"), in.getU16("port"));
    }
}
