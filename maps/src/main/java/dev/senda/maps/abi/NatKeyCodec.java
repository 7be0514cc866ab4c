package dev.senda.maps.abi;

import dev.senda.maps.lb.Protocol;
import dev.senda.maps.nat.NatDirection;
import dev.senda.maps.nat.NatKey;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_nat4_key} (16 bytes) / {@code senda_nat6_key} (40 bytes) for {@link NatKey}. */
public final class NatKeyCodec extends StructCodec<NatKey> {
    public NatKeyCodec(IpFamily family) {
        super(FamilyStructs.name("nat", family, "key"), MemoryLayout.structLayout(
                address(family, "saddr"),
                address(family, "daddr"),
                field(BE16, "sport"),
                field(BE16, "dport"),
                field(U8, "proto"),
                field(U8, "dir"),
                field(U16, "pad")));
    }

    @Override
    protected void write(NatKey v, StructBuffer out) {
        out.putAddress("saddr", v.saddr());
        out.putAddress("daddr", v.daddr());
        out.putU16("sport", v.sport());
        out.putU16("dport", v.dport());
        out.putU8("proto", v.proto().number());
        out.putU8("dir", v.dir().value());
    }

    @Override
    protected NatKey read(StructBuffer in) {
        return new NatKey(in.getAddress("saddr"), in.getAddress("daddr"), in.getU16("sport"), in.getU16("dport"),
                Protocol.ofNumber(in.getU8("proto")), NatDirection.ofValue(in.getU8("dir")));
    }
}
