package dev.senda.maps.nat;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.table.TableSpec;
import dev.senda.net.IpAddress;

/** The source-NAT tables (bpf/lib/abi/nat.h); both live in the per-packet object. */
public final class NatTables {
    private NatTables() {
    }

    /** Source-NAT flows, written by the datapath: {@code senda_nat4_v1} / {@code senda_nat6_v1}. */
    public static final TableSpec<NatKey, NatValue> NAT =
            new TableSpec<>("source NAT", NatKey::family, Codecs.NAT4_MAP, Codecs.NAT6_MAP);

    /** This node's address per family, written by the agent: {@code senda_nodeaddr4_v1} / {@code senda_nodeaddr6_v1}. */
    public static final TableSpec<NodeAddrKey, IpAddress> NODE_ADDRESSES =
            new TableSpec<>("node addresses", NodeAddrKey::family, Codecs.NODEADDR4_MAP, Codecs.NODEADDR6_MAP);
}
