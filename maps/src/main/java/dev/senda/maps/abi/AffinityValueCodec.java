package dev.senda.maps.abi;

import dev.senda.maps.lb.AffinityValue;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_affinity_value} (12 bytes, both families) for {@link AffinityValue}. */
public final class AffinityValueCodec extends StructCodec<AffinityValue> {
    public AffinityValueCodec() {
        super("senda_affinity_value", MemoryLayout.structLayout(
                field(U32, "backend_id"),
                field(U32, "last_used"),
                field(U16, "slot"),
                field(U16, "pad")));
    }

    @Override
    protected void write(AffinityValue v, StructBuffer out) {
        out.putU32("backend_id", v.backendId());
        out.putU32("last_used", v.lastUsed());
        out.putU16("slot", v.slot());
    }

    @Override
    protected AffinityValue read(StructBuffer in) {
        return new AffinityValue(in.getU32("backend_id"), in.getU32("last_used"), in.getU16("slot"));
    }
}
