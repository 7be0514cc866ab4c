package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyEndpointKey;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.address;

/** {@code struct senda_polep4_key} (4 bytes) / {@code senda_polep6_key} (16 bytes) for {@link PolicyEndpointKey}. */
public final class PolicyEndpointKeyCodec extends StructCodec<PolicyEndpointKey> {
    public PolicyEndpointKeyCodec(IpFamily family) {
        super(FamilyStructs.name("polep", family, "key"), MemoryLayout.structLayout(address(family, "address")));
    }

    @Override
    protected void write(PolicyEndpointKey v, StructBuffer out) {
        out.putAddress("address", v.address());
    }

    @Override
    protected PolicyEndpointKey read(StructBuffer in) {
        return new PolicyEndpointKey(in.getAddress("address"));
    }
}
