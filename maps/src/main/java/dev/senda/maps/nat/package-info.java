/**
 * The source-NAT tables: {@code senda_nat{4,6}_v1}, which the datapath writes for flows from outside
 * the node balanced to backends behind other nodes, and {@code senda_nodeaddr{4,6}_v1}, this node's
 * address per family, which the agent writes; both declared in {@link dev.senda.maps.nat.NatTables}. Layout and
 * semantics: {@code bpf/lib/abi/nat.h}.
 */
package dev.senda.maps.nat;
