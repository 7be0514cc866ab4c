package dev.senda.maps.lb;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.table.TableSpec;

/**
 * The tables the datapath itself writes (LRU maps): the control plane only reads them (inspection,
 * tests) or migrates them across layout versions. The reconciled tables are in {@link LbMaps}.
 */
public final class DatapathTables {
    private DatapathTables() {
    }

    /** Per-packet conntrack: {@code senda_ct4_v2} / {@code senda_ct6_v1}. */
    public static final TableSpec<CtKey, CtValue> CONNTRACK =
            new TableSpec<>("conntrack", CtKey::family, Codecs.CT4_MAP, Codecs.CT6_MAP);

    /** Socket-LB reverse NAT: {@code senda_sockrevnat4_v1} / {@code senda_sockrevnat6_v1}. */
    public static final TableSpec<SockRevNatKey, SockRevNatValue> SOCK_REVNAT =
            new TableSpec<>("socket reverse NAT", k -> k.address().family(), Codecs.SOCK_REVNAT4_MAP,
                    Codecs.SOCK_REVNAT6_MAP);

    /** Unconnected-UDP stickiness: {@code senda_sockflow4_v1} / {@code senda_sockflow6_v1}. */
    public static final TableSpec<SockFlowKey, SockFlowValue> SOCK_FLOW =
            new TableSpec<>("socket flows", k -> k.address().family(), Codecs.SOCK_FLOW4_MAP, Codecs.SOCK_FLOW6_MAP);

    /** Session affinity (ClientIP): {@code senda_affinity4_v1} / {@code senda_affinity6_v1}. */
    public static final TableSpec<AffinityKey, AffinityValue> AFFINITY =
            new TableSpec<>("session affinity", k -> k.client().family(), Codecs.AFFINITY4_MAP, Codecs.AFFINITY6_MAP);
}
