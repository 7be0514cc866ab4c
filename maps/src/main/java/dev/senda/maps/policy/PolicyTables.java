package dev.senda.maps.policy;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.table.TableSpec;

/** The NetworkPolicy tables (bpf/lib/abi/policy.h); all live in the per-packet object. */
public final class PolicyTables {
    private PolicyTables() {
    }

    /** Local pods, written by the agent: {@code senda_polep4_v1} / {@code senda_polep6_v1}. */
    public static final TableSpec<PolicyEndpointKey, PolicyEndpointValue> ENDPOINTS =
            new TableSpec<>("policy endpoints", PolicyEndpointKey::family, Codecs.POLEP4_MAP, Codecs.POLEP6_MAP);

    /** Rules per pod, direction and peer prefix, written by the agent: {@code senda_polrule{4,6}_v1}. */
    public static final TableSpec<PolicyRuleKey, PolicyRuleValue> RULES =
            new TableSpec<>("policy rules", PolicyRuleKey::family, Codecs.POLRULE4_MAP, Codecs.POLRULE6_MAP);

    /** Tuples of allowed flows, written by the datapath: {@code senda_polct{4,6}_v1}. */
    public static final TableSpec<PolicyCtKey, PolicyCtValue> CONNTRACK =
            new TableSpec<>("policy conntrack", PolicyCtKey::family, Codecs.POLCT4_MAP, Codecs.POLCT6_MAP);
}
