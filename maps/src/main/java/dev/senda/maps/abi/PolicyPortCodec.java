package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyPort;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_polport} (8 bytes), an element of {@link PolicyRuleValueCodec}'s ports. */
public final class PolicyPortCodec extends StructCodec<PolicyPort> {
    public PolicyPortCodec() {
        super("senda_polport", MemoryLayout.structLayout(
                field(U16, "first"),
                field(U16, "last"),
                field(U8, "proto"),
                field(U8, "pad"),
                field(U16, "policy_id")));
    }

    @Override
    protected void write(PolicyPort v, StructBuffer out) {
        out.putU16("first", v.first());
        out.putU16("last", v.last());
        out.putU8("proto", v.protocol());
        out.putU16("policy_id", v.policyId());
    }

    @Override
    protected PolicyPort read(StructBuffer in) {
        return new PolicyPort(in.getU8("proto"), in.getU16("first"), in.getU16("last"), in.getU16("policy_id"));
    }
}
