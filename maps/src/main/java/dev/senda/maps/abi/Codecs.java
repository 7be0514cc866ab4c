package dev.senda.maps.abi;

import dev.senda.maps.nat.NatKey;
import dev.senda.maps.nat.NatValue;
import dev.senda.maps.nat.NodeAddrKey;
import dev.senda.maps.policy.PolicyConfig;
import dev.senda.maps.policy.PolicyCtKey;
import dev.senda.maps.policy.PolicyCtValue;
import dev.senda.maps.policy.PolicyEndpointKey;
import dev.senda.maps.policy.PolicyEndpointValue;
import dev.senda.maps.policy.PolicyRuleKey;
import dev.senda.maps.policy.PolicyRuleValue;
import dev.senda.net.IpAddress;
import dev.senda.maps.lb.AffinityKey;
import dev.senda.maps.lb.AffinityValue;
import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.CtKey;
import dev.senda.maps.lb.CtValue;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SockFlowKey;
import dev.senda.maps.lb.SockFlowValue;
import dev.senda.maps.lb.SockRevNatKey;
import dev.senda.maps.lb.SockRevNatValue;
import dev.senda.maps.lb.SourceRangeKey;
import dev.senda.maps.lb.SourceRangeValue;

import java.util.List;

import static dev.senda.net.IpFamily.IPV4;
import static dev.senda.net.IpFamily.IPV6;

/**
 * The codec of every struct of the map ABI, and every pinned map with its name and codecs. A new
 * map is one {@link MapSpec} here (plus its struct codecs); the BTF check and the pinned-map
 * inspection pick it up from {@link #ALL} and {@link #MAPS}.
 */
public final class Codecs {
    private Codecs() {
    }

    public static final SvcKeyCodec SVC4_KEY = new SvcKeyCodec(IPV4);
    public static final SvcKeyCodec SVC6_KEY = new SvcKeyCodec(IPV6);
    public static final SvcValueCodec SVC4_VALUE = new SvcValueCodec(IPV4);
    public static final SvcValueCodec SVC6_VALUE = new SvcValueCodec(IPV6);
    public static final BackendCodec BACKEND4 = new BackendCodec(IPV4);
    public static final BackendCodec BACKEND6 = new BackendCodec(IPV6);
    public static final RevNatCodec REVNAT4 = new RevNatCodec(IPV4);
    public static final RevNatCodec REVNAT6 = new RevNatCodec(IPV6);
    public static final CtKeyCodec CT4_KEY = new CtKeyCodec(IPV4);
    public static final CtKeyCodec CT6_KEY = new CtKeyCodec(IPV6);
    public static final CtValueCodec CT4_VALUE = new CtValueCodec(IPV4);
    public static final CtValueCodec CT6_VALUE = new CtValueCodec(IPV6);
    public static final SockRevNatKeyCodec SOCK_REVNAT4_KEY = new SockRevNatKeyCodec(IPV4);
    public static final SockRevNatKeyCodec SOCK_REVNAT6_KEY = new SockRevNatKeyCodec(IPV6);
    public static final SockRevNatValueCodec SOCK_REVNAT4_VALUE = new SockRevNatValueCodec(IPV4);
    public static final SockRevNatValueCodec SOCK_REVNAT6_VALUE = new SockRevNatValueCodec(IPV6);
    public static final SockFlowKeyCodec SOCK_FLOW4_KEY = new SockFlowKeyCodec(IPV4);
    public static final SockFlowKeyCodec SOCK_FLOW6_KEY = new SockFlowKeyCodec(IPV6);
    public static final SockFlowValueCodec SOCK_FLOW4_VALUE = new SockFlowValueCodec(IPV4);
    public static final SockFlowValueCodec SOCK_FLOW6_VALUE = new SockFlowValueCodec(IPV6);
    public static final AffinityKeyCodec AFFINITY4_KEY = new AffinityKeyCodec(IPV4);
    public static final AffinityKeyCodec AFFINITY6_KEY = new AffinityKeyCodec(IPV6);
    public static final AffinityValueCodec AFFINITY_VALUE = new AffinityValueCodec();
    public static final NatKeyCodec NAT4_KEY = new NatKeyCodec(IPV4);
    public static final NatKeyCodec NAT6_KEY = new NatKeyCodec(IPV6);
    public static final NatValueCodec NAT4_VALUE = new NatValueCodec(IPV4);
    public static final NatValueCodec NAT6_VALUE = new NatValueCodec(IPV6);
    public static final NodeAddrCodec NODEADDR4 = new NodeAddrCodec(IPV4);
    public static final NodeAddrCodec NODEADDR6 = new NodeAddrCodec(IPV6);
    public static final SourceRangeKeyCodec SRC_RANGE4_KEY = new SourceRangeKeyCodec(IPV4);
    public static final SourceRangeKeyCodec SRC_RANGE6_KEY = new SourceRangeKeyCodec(IPV6);
    public static final SourceRangeValueCodec SRC_RANGE_VALUE = new SourceRangeValueCodec();
    public static final PolicyEndpointKeyCodec POLEP4_KEY = new PolicyEndpointKeyCodec(IPV4);
    public static final PolicyEndpointKeyCodec POLEP6_KEY = new PolicyEndpointKeyCodec(IPV6);
    public static final PolicyEndpointValueCodec POLEP_VALUE = new PolicyEndpointValueCodec();
    public static final PolicyRuleKeyCodec POLRULE4_KEY = new PolicyRuleKeyCodec(IPV4);
    public static final PolicyRuleKeyCodec POLRULE6_KEY = new PolicyRuleKeyCodec(IPV6);
    public static final PolicyPortCodec POLPORT = new PolicyPortCodec();
    public static final PolicyRuleValueCodec POLRULE_VALUE = new PolicyRuleValueCodec(POLPORT);
    public static final PolicyCtKeyCodec POLCT4_KEY = new PolicyCtKeyCodec(IPV4);
    public static final PolicyCtKeyCodec POLCT6_KEY = new PolicyCtKeyCodec(IPV6);
    public static final PolicyCtValueCodec POLCT_VALUE = new PolicyCtValueCodec();
    public static final PolicyStatsKeyCodec POLSTATS_KEY = new PolicyStatsKeyCodec();
    public static final PolicyConfigCodec POLCFG = new PolicyConfigCodec();

    /** Every struct codec, one per C struct in the ABI headers. */
    public static final List<StructCodec<?>> ALL = List.of(SVC4_KEY, SVC6_KEY, SVC4_VALUE, SVC6_VALUE, BACKEND4,
            BACKEND6, REVNAT4, REVNAT6, CT4_KEY, CT6_KEY, CT4_VALUE, CT6_VALUE, SOCK_REVNAT4_KEY, SOCK_REVNAT6_KEY,
            SOCK_REVNAT4_VALUE, SOCK_REVNAT6_VALUE, SOCK_FLOW4_KEY, SOCK_FLOW6_KEY, SOCK_FLOW4_VALUE,
            SOCK_FLOW6_VALUE, AFFINITY4_KEY, AFFINITY6_KEY, AFFINITY_VALUE, NAT4_KEY, NAT6_KEY, NAT4_VALUE, NAT6_VALUE,
            NODEADDR4, NODEADDR6, SRC_RANGE4_KEY, SRC_RANGE6_KEY, SRC_RANGE_VALUE, POLEP4_KEY, POLEP6_KEY, POLEP_VALUE,
            POLRULE4_KEY, POLRULE6_KEY, POLPORT, POLRULE_VALUE, POLCT4_KEY, POLCT6_KEY, POLCT_VALUE, POLSTATS_KEY, POLCFG);

    public static final MapSpec<ServiceKey, ServiceValue> SVC4_MAP = new MapSpec<>("senda_svc4_v1", SVC4_KEY, SVC4_VALUE);
    public static final MapSpec<ServiceKey, ServiceValue> SVC6_MAP = new MapSpec<>("senda_svc6_v1", SVC6_KEY, SVC6_VALUE);
    public static final MapSpec<BackendKey, BackendValue> BACKEND4_MAP = new MapSpec<>("senda_backend4_v1",
            new U32Codec<>(BackendKey::id, id -> new BackendKey(IPV4, id)), BACKEND4);
    public static final MapSpec<BackendKey, BackendValue> BACKEND6_MAP = new MapSpec<>("senda_backend6_v1",
            new U32Codec<>(BackendKey::id, id -> new BackendKey(IPV6, id)), BACKEND6);
    public static final MapSpec<RevNatKey, RevNatValue> REVNAT4_MAP = new MapSpec<>("senda_revnat4_v1",
            new U32Codec<>(RevNatKey::serviceId, id -> new RevNatKey(IPV4, id)), REVNAT4);
    public static final MapSpec<RevNatKey, RevNatValue> REVNAT6_MAP = new MapSpec<>("senda_revnat6_v1",
            new U32Codec<>(RevNatKey::serviceId, id -> new RevNatKey(IPV6, id)), REVNAT6);
    public static final MapSpec<CtKey, CtValue> CT4_MAP = new MapSpec<>("senda_ct4_v2", CT4_KEY, CT4_VALUE);
    public static final MapSpec<CtKey, CtValue> CT6_MAP = new MapSpec<>("senda_ct6_v1", CT6_KEY, CT6_VALUE);
    public static final MapSpec<SockRevNatKey, SockRevNatValue> SOCK_REVNAT4_MAP = new MapSpec<>("senda_sockrevnat4_v1",
            SOCK_REVNAT4_KEY, SOCK_REVNAT4_VALUE);
    public static final MapSpec<SockRevNatKey, SockRevNatValue> SOCK_REVNAT6_MAP = new MapSpec<>("senda_sockrevnat6_v1",
            SOCK_REVNAT6_KEY, SOCK_REVNAT6_VALUE);
    public static final MapSpec<SockFlowKey, SockFlowValue> SOCK_FLOW4_MAP = new MapSpec<>("senda_sockflow4_v1",
            SOCK_FLOW4_KEY, SOCK_FLOW4_VALUE);
    public static final MapSpec<SockFlowKey, SockFlowValue> SOCK_FLOW6_MAP = new MapSpec<>("senda_sockflow6_v1",
            SOCK_FLOW6_KEY, SOCK_FLOW6_VALUE);
    public static final MapSpec<AffinityKey, AffinityValue> AFFINITY4_MAP = new MapSpec<>("senda_affinity4_v1",
            AFFINITY4_KEY, AFFINITY_VALUE);
    public static final MapSpec<AffinityKey, AffinityValue> AFFINITY6_MAP = new MapSpec<>("senda_affinity6_v1",
            AFFINITY6_KEY, AFFINITY_VALUE);
    public static final MapSpec<NatKey, NatValue> NAT4_MAP = new MapSpec<>("senda_nat4_v1", NAT4_KEY, NAT4_VALUE);
    public static final MapSpec<NatKey, NatValue> NAT6_MAP = new MapSpec<>("senda_nat6_v1", NAT6_KEY, NAT6_VALUE);
    /** This node's address per family (one entry, key 0), the source of SNAT (bpf/lib/abi/nat.h). */
    public static final MapSpec<NodeAddrKey, IpAddress> NODEADDR4_MAP = new MapSpec<>("senda_nodeaddr4_v1",
            new U32Codec<>(k -> 0, i -> new NodeAddrKey(IPV4)), NODEADDR4);
    public static final MapSpec<NodeAddrKey, IpAddress> NODEADDR6_MAP = new MapSpec<>("senda_nodeaddr6_v1",
            new U32Codec<>(k -> 0, i -> new NodeAddrKey(IPV6)), NODEADDR6);
    /** loadBalancerSourceRanges per frontend (LPM tries, {@code bpf/lib/abi/src_range.h}). */
    public static final MapSpec<SourceRangeKey, SourceRangeValue> SRC_RANGE4_MAP = new MapSpec<>("senda_srcrange4_v1",
            SRC_RANGE4_KEY, SRC_RANGE_VALUE);
    public static final MapSpec<SourceRangeKey, SourceRangeValue> SRC_RANGE6_MAP = new MapSpec<>("senda_srcrange6_v1",
            SRC_RANGE6_KEY, SRC_RANGE_VALUE);
    /** NetworkPolicy: local pods ({@code bpf/lib/abi/policy.h}). */
    public static final MapSpec<PolicyEndpointKey, PolicyEndpointValue> POLEP4_MAP = new MapSpec<>("senda_polep4_v1",
            POLEP4_KEY, POLEP_VALUE);
    public static final MapSpec<PolicyEndpointKey, PolicyEndpointValue> POLEP6_MAP = new MapSpec<>("senda_polep6_v1",
            POLEP6_KEY, POLEP_VALUE);
    /** NetworkPolicy: rules per pod, direction and peer prefix (LPM tries). */
    public static final MapSpec<PolicyRuleKey, PolicyRuleValue> POLRULE4_MAP = new MapSpec<>("senda_polrule4_v1",
            POLRULE4_KEY, POLRULE_VALUE);
    public static final MapSpec<PolicyRuleKey, PolicyRuleValue> POLRULE6_MAP = new MapSpec<>("senda_polrule6_v1",
            POLRULE6_KEY, POLRULE_VALUE);
    /** NetworkPolicy: tuples of allowed flows (LRU, the datapath's). */
    public static final MapSpec<PolicyCtKey, PolicyCtValue> POLCT4_MAP = new MapSpec<>("senda_polct4_v1",
            POLCT4_KEY, POLCT_VALUE);
    public static final MapSpec<PolicyCtKey, PolicyCtValue> POLCT6_MAP = new MapSpec<>("senda_polct6_v1",
            POLCT6_KEY, POLCT_VALUE);
    /** NetworkPolicy: what to do with pods not computed yet (one entry, key 0). */
    public static final MapSpec<Integer, PolicyConfig> POLCFG_MAP = new MapSpec<>("senda_polcfg_v1",
            new U32Codec<>(k -> k, k -> k), POLCFG);
    /** NetworkPolicy: per-CPU verdict counters (see dev.senda.maps.policy.PolicyCounters). */
    public static final MapAbi POLSTATS_MAP = new MapAbi("senda_polstats_v1", POLSTATS_KEY.cName(), POLSTATS_KEY.size(),
            "__u64", Long.BYTES);
    /** Per-CPU event counters, indexed by {@code enum senda_metric} (see dev.senda.maps.metrics). */
    public static final MapAbi METRICS_MAP = new MapAbi("senda_metrics_v1", "__u32", U32Codec.SIZE, "__u64", Long.BYTES);

    /** Every pinned map of the ABI. */
    public static final List<MapAbi> MAPS = List.of(SVC4_MAP.abi(), SVC6_MAP.abi(), BACKEND4_MAP.abi(),
            BACKEND6_MAP.abi(), REVNAT4_MAP.abi(), REVNAT6_MAP.abi(), CT4_MAP.abi(), CT6_MAP.abi(),
            SOCK_REVNAT4_MAP.abi(), SOCK_REVNAT6_MAP.abi(), SOCK_FLOW4_MAP.abi(), SOCK_FLOW6_MAP.abi(), AFFINITY4_MAP.abi(),
            AFFINITY6_MAP.abi(), NAT4_MAP.abi(), NAT6_MAP.abi(), NODEADDR4_MAP.abi(), NODEADDR6_MAP.abi(),
            SRC_RANGE4_MAP.abi(), SRC_RANGE6_MAP.abi(), METRICS_MAP, POLEP4_MAP.abi(), POLEP6_MAP.abi(),
            POLRULE4_MAP.abi(), POLRULE6_MAP.abi(), POLCT4_MAP.abi(), POLCT6_MAP.abi(), POLCFG_MAP.abi(), POLSTATS_MAP);
}
