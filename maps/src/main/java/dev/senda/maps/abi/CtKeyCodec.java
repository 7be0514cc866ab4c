package dev.senda.maps.abi;

import dev.senda.maps.lb.CtDirection;
import dev.senda.maps.lb.CtKey;
import dev.senda.maps.lb.Protocol;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_ct4_key} (16 bytes) / {@code senda_ct6_key} (40 bytes) for {@link CtKey}. */
public final class CtKeyCodec extends StructCodec<CtKey> {
    public CtKeyCodec(IpFamily family) {
        super(FamilyStructs.name("ct", family, "key"), MemoryLayout.structLayout(
                address(family, "saddr"),
                address(family, "daddr"),
                field(BE16, "sport"),
                field(BE16, "dport"),
                field(U8, "proto"),
                field(U8, "dir"),
                field(U16, "pad")));
    }

    @Override
    protected void write(CtKey v, StructBuffer out) {
        out.putAddress("saddr", v.saddr());
        out.putAddress("daddr", v.daddr());
        out.putU16("sport", v.sport());
        out.putU16("dport", v.dport());
        out.putU8("proto", v.proto().number());
        out.putU8("dir", v.dir().value());
    }

    @Override
    protected CtKey read(StructBuffer in) {
        return new CtKey(in.getAddress("saddr"), in.getAddress("daddr"), in.getU16("sport"), in.getU16("dport"),
                Protocol.ofNumber(in.getU8("proto")), CtDirection.ofValue(in.getU8("dir")));
    }
}
