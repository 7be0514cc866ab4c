package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyEndpointValue;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_polep_value} (8 bytes, both families) for {@link PolicyEndpointValue}. */
public final class PolicyEndpointValueCodec extends StructCodec<PolicyEndpointValue> {
    public PolicyEndpointValueCodec() {
        super("senda_polep_value", MemoryLayout.structLayout(
                field(U32, "endpoint_id"),
                field(U8, "flags"),
                u8Array(3, "pad")));
    }

    @Override
    protected void write(PolicyEndpointValue v, StructBuffer out) {
        out.putU32("endpoint_id", v.endpointId());
        out.putU8("flags", v.flags());
    }

    @Override
    protected PolicyEndpointValue read(StructBuffer in) {
        return PolicyEndpointValue.ofFlags(in.getU32("endpoint_id"), in.getU8("flags"));
    }
}
