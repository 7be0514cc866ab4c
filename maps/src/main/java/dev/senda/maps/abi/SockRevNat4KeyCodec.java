package dev.senda.maps.abi;

import dev.senda.maps.lb.SockRevNatKey;
import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_sock_revnat4_key} (bpf/lib/sock_revnat.h, 16 bytes) for {@link SockRevNatKey}. */
public final class SockRevNat4KeyCodec extends StructCodec<SockRevNatKey> {
    public SockRevNat4KeyCodec() {
        super("senda_sock_revnat4_key", MemoryLayout.structLayout(
                field(U64, "cookie"),
                field(BE32, "address"),
                field(BE16, "port"),
                field(U16, "pad")));
    }

    @Override
    protected void write(SockRevNatKey v, StructBuffer out) {
        out.putU64("cookie", v.cookie());
        out.putIpv4("address", v.address());
        out.putU16("port", v.port());
    }

    @Override
    protected SockRevNatKey read(StructBuffer in) {
        return new SockRevNatKey(in.getU64("cookie"), in.getIpv4("address"), in.getU16("port"));
    }
}
