package dev.senda.maps.abi;

import dev.senda.maps.lb.CtDirection;
import dev.senda.maps.lb.CtKey;
import dev.senda.maps.lb.Protocol;
import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_ct4_key} (bpf/lib/conntrack.h, 16 bytes) for {@link CtKey}. */
public final class Ct4KeyCodec extends StructCodec<CtKey> {
    public Ct4KeyCodec() {
        super("senda_ct4_key", MemoryLayout.structLayout(
                field(BE32, "saddr"),
                field(BE32, "daddr"),
                field(BE16, "sport"),
                field(BE16, "dport"),
                field(U8, "proto"),
                field(U8, "dir"),
                field(U16, "pad")));
    }

    @Override
    protected void write(CtKey v, StructBuffer out) {
        out.putIpv4("saddr", v.saddr());
        out.putIpv4("daddr", v.daddr());
        out.putU16("sport", v.sport());
        out.putU16("dport", v.dport());
        out.putU8("proto", v.proto().number());
        out.putU8("dir", v.dir().value());
    }

    @Override
    protected CtKey read(StructBuffer in) {
        return new CtKey(in.getIpv4("saddr"), in.getIpv4("daddr"), in.getU16("sport"), in.getU16("dport"),
                Protocol.ofNumber(in.getU8("proto")), CtDirection.ofValue(in.getU8("dir")));
    }
}
