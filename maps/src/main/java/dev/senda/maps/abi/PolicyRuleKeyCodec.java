package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyRuleKey;
import dev.senda.maps.policy.RuleDirection;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/**
 * {@code struct senda_polrule4_key} (16 bytes) / {@code senda_polrule6_key} (28 bytes) for
 * {@link PolicyRuleKey}: an LPM-trie key whose prefixlen covers the endpoint id, the direction and the
 * pad (64 bits) and then the peer prefix.
 */
public final class PolicyRuleKeyCodec extends StructCodec<PolicyRuleKey> {
    /** Bits of the C prefixlen before the peer ({@code SENDA_POL_RULE_ID_BITS}). */
    public static final int ID_BITS = 64;

    public PolicyRuleKeyCodec(IpFamily family) {
        super(FamilyStructs.name("polrule", family, "key"), MemoryLayout.structLayout(
                field(U32, "prefixlen"),
                field(U32, "endpoint_id"),
                field(U8, "dir"),
                u8Array(3, "pad"),
                address(family, "peer")));
    }

    @Override
    protected void write(PolicyRuleKey v, StructBuffer out) {
        out.putU32("prefixlen", ID_BITS + v.prefixLength());
        out.putU32("endpoint_id", v.endpointId());
        out.putU8("dir", v.direction().value());
        out.putAddress("peer", v.peer());
    }

    @Override
    protected PolicyRuleKey read(StructBuffer in) {
        return new PolicyRuleKey(in.getU32("endpoint_id"), RuleDirection.ofValue(in.getU8("dir")),
                in.getAddress("peer"), in.getU32("prefixlen") - ID_BITS);
    }
}
