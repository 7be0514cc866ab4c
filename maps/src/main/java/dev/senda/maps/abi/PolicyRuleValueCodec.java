package dev.senda.maps.abi;

import dev.senda.maps.policy.PolicyPort;
import dev.senda.maps.policy.PolicyRuleValue;

import java.lang.foreign.MemoryLayout;
import java.util.ArrayList;
import java.util.List;

import static dev.senda.maps.abi.CTypes.*;

/** {@code struct senda_polrule_value} (132 bytes, both families) for {@link PolicyRuleValue}; unused ports zero. */
public final class PolicyRuleValueCodec extends StructCodec<PolicyRuleValue> {
    private final PolicyPortCodec port;

    public PolicyRuleValueCodec(PolicyPortCodec port) {
        super("senda_polrule_value", MemoryLayout.structLayout(
                field(U8, "count"),
                u8Array(3, "pad"),
                MemoryLayout.sequenceLayout(PolicyRuleValue.MAX_PORTS, port.layout()).withName("ports")));
        this.port = port;
    }

    @Override
    protected void write(PolicyRuleValue v, StructBuffer out) {
        out.putU8("count", v.ports().size());
        for (int i = 0; i < v.ports().size(); i++) out.putStruct("ports", i, port, v.ports().get(i));
    }

    @Override
    protected PolicyRuleValue read(StructBuffer in) {
        int count = in.getU8("count");
        if (count > PolicyRuleValue.MAX_PORTS) {
            throw new IllegalArgumentException("senda_polrule_value.count is " + count + ", at most "
                    + PolicyRuleValue.MAX_PORTS);
        }
        List<PolicyPort> ports = new ArrayList<>(count);
        for (int i = 0; i < count; i++) ports.add(in.getStruct("ports", i, port));
        return new PolicyRuleValue(ports);
    }
}
