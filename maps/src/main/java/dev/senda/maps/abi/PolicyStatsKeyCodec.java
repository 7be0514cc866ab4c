package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyStatsKey;
import dev.senda.maps.policy.PolicyVerdict;
import dev.senda.maps.policy.RuleDirection;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_polstats_key} (4 bytes) for {@link PolicyStatsKey}. */
public final class PolicyStatsKeyCodec extends StructCodec<PolicyStatsKey> {
    public PolicyStatsKeyCodec() {
        super("senda_polstats_key", MemoryLayout.structLayout(
                field(U16, "policy_id"),
                field(U8, "dir"),
                field(U8, "verdict")));
    }

    @Override
    protected void write(PolicyStatsKey v, StructBuffer out) {
        out.putU16("policy_id", v.policyId());
        out.putU8("dir", v.direction().value());
        out.putU8("verdict", v.verdict().value());
    }

    @Override
    protected PolicyStatsKey read(StructBuffer in) {
        return new PolicyStatsKey(in.getU16("policy_id"), RuleDirection.ofValue(in.getU8("dir")),
                PolicyVerdict.ofValue(in.getU8("verdict")));
    }
}
