package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyCtValue;
import dev.senda.maps.policy.RuleDirection;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_polct_value} (8 bytes, both families) for {@link PolicyCtValue}. */
public final class PolicyCtValueCodec extends StructCodec<PolicyCtValue> {
    public PolicyCtValueCodec() {
        super("senda_polct_value", MemoryLayout.structLayout(
                field(U32, "last_seen"),
                field(U16, "policy_id"),
                field(U8, "dir"),
                field(U8, "pad")));
    }

    @Override
    protected void write(PolicyCtValue v, StructBuffer out) {
        out.putU32("last_seen", (int) v.lastSeen());
        out.putU16("policy_id", v.policyId());
        out.putU8("dir", v.direction().value());
    }

    @Override
    protected PolicyCtValue read(StructBuffer in) {
        return new PolicyCtValue(Integer.toUnsignedLong(in.getU32("last_seen")), in.getU16("policy_id"),
                RuleDirection.ofValue(in.getU8("dir")));
    }
}
