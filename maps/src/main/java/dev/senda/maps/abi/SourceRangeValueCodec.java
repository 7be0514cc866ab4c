package dev.senda.maps.abi;

import dev.senda.maps.lb.SourceRangeValue;

import java.lang.foreign.MemoryLayout;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_srcrange_value} (1 byte, both families) for {@link SourceRangeValue}. */
public final class SourceRangeValueCodec extends StructCodec<SourceRangeValue> {
    public SourceRangeValueCodec() {
        super("senda_srcrange_value", MemoryLayout.structLayout(field(U8, "allow")));
    }

    @Override
    protected void write(SourceRangeValue v, StructBuffer out) {
        out.putU8("allow", 1);
    }

    @Override
    protected SourceRangeValue read(StructBuffer in) {
        int allow = in.getU8("allow");
        if (allow != 1) throw new IllegalArgumentException("senda_srcrange_value.allow is " + allow + ", not 1");
        return SourceRangeValue.ALLOW;
    }
}
