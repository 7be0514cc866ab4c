package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyConfig;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_polcfg} (4 bytes) for {@link PolicyConfig}. */
public final class PolicyConfigCodec extends StructCodec<PolicyConfig> {
    public PolicyConfigCodec() {
        super("senda_polcfg", MemoryLayout.structLayout(
                field(U8, "pending_deny"),
                u8Array(3, "pad")));
    }

    @Override
    protected void write(PolicyConfig v, StructBuffer out) {
        out.putU8("pending_deny", v.pendingDeny() ? 1 : 0);
    }

    @Override
    protected PolicyConfig read(StructBuffer in) {
        return new PolicyConfig(in.getU8("pending_deny") != 0);
    }
}
