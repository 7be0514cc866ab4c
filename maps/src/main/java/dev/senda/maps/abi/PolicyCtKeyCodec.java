package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyCtKey;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_polct4_key} (16 bytes) / {@code senda_polct6_key} (40 bytes) for {@link PolicyCtKey}. */
public final class PolicyCtKeyCodec extends StructCodec<PolicyCtKey> {
    public PolicyCtKeyCodec(IpFamily family) {
        super(FamilyStructs.name("polct", family, "key"), MemoryLayout.structLayout(
                address(family, "saddr"),
                address(family, "daddr"),
                field(BE16, "sport"),
                field(BE16, "dport"),
                field(U8, "proto"),
                u8Array(3, "pad")));
    }

    @Override
    protected void write(PolicyCtKey v, StructBuffer out) {
        out.putAddress("saddr", v.saddr());
        out.putAddress("daddr", v.daddr());
        out.putU16("sport", v.sport());
        out.putU16("dport", v.dport());
        out.putU8("proto", v.proto());
    }

    @Override
    protected PolicyCtKey read(StructBuffer in) {
        return new PolicyCtKey(in.getAddress("saddr"), in.getAddress("daddr"), in.getU16("sport"), in.getU16("dport"),
                in.getU8("proto"));
    }
}
