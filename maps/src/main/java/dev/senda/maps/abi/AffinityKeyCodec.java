package dev.senda.maps.abi;

import dev.senda.maps.lb.AffinityKey;
import dev.senda.net.IpFamily;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_affinity4_key} (16 bytes) / {@code senda_affinity6_key} (32 bytes) for {@link AffinityKey}. */
public final class AffinityKeyCodec extends StructCodec<AffinityKey> {
    public AffinityKeyCodec(IpFamily family) {
        super(FamilyStructs.name("affinity", family, "key"), family == IpFamily.IPV4
                ? MemoryLayout.structLayout(
                        field(U64, "netns_cookie"),
                        address(family, "client"),
                        field(U32, "service_id"))
                // pads the struct to its 8-byte alignment after the 16-byte address and the id
                : MemoryLayout.structLayout(
                        field(U64, "netns_cookie"),
                        address(family, "client"),
                        field(U32, "service_id"),
                        field(U32, "pad")));
    }

    @Override
    protected void write(AffinityKey v, StructBuffer out) {
        out.putU64("netns_cookie", v.netnsCookie());
        out.putAddress("client", v.client());
        out.putU32("service_id", v.serviceId());
    }

    @Override
    protected AffinityKey read(StructBuffer in) {
        return new AffinityKey(in.getU64("netns_cookie"), in.getAddress("client"), in.getU32("service_id"));
    }
}
