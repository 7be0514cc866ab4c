package dev.senda.maps.metrics;

import java.util.Optional;

/**
 * What the datapath counts: one constant per {@code enum senda_metric} of {@code bpf/lib/metrics.h},
 * with the same index (the key of {@code senda_metrics_v1}).
 *
 * <p>Indexes are ABI and append-only on the C side, so they are here too: a new counter gets the
 * next index, nothing is ever renumbered. {@link #metricName()} is the stable name exported as the
 * {@code event} label and printed by {@code senda bpf metrics}: the C name without
 * {@code SENDA_M_}, lower case. A test holds this enum against the header.
 */
public enum DatapathEvent {
    SOCK_TRANSLATED(0, "connect/sendmsg to a Service rewritten to a backend (socket LB)"),
    SOCK_REFUSED(1, "connect/sendmsg to a Service without backends refused (socket LB)"),
    SOCK_REVNAT(2, "recvmsg/getpeername answer restored to the Service address (socket LB)"),
    TC_DNAT_NEW(3, "new flow to a Service: backend selected, conntrack entries created (per-packet LB)"),
    TC_DNAT_CT(4, "packet of a known flow translated to its backend from conntrack (per-packet LB)"),
    TC_REVNAT(5, "reply rewritten back to the Service address (per-packet LB)"),
    TC_REJECT_TCP(6, "TCP to a Service without backends answered with a RST (per-packet LB)"),
    TC_REJECT_UDP(7, "UDP to a Service without backends answered with ICMP unreachable or dropped (per-packet LB)"),
    TC_HAIRPIN(8, "new flow whose backend is its own client (hairpin, per-packet LB)"),
    LB_INCONSISTENT(9, "frontend header promised a slot or backend that is missing (maps mid-update)"),
    TC_ERROR(10, "a helper failed while rewriting a packet; the packet was dropped (per-packet LB)"),
    CT_FULL(11, "conntrack entry could not be written (map full or update failed)"),
    TC_DROP_NO_LOCAL(12, "packet to a frontend of a traffic policy Local without an endpoint on this node dropped (per-packet LB)"),
    SOCK_NO_LOCAL(13, "connect/sendmsg to a frontend of a traffic policy Local without an endpoint on this node failed with EHOSTUNREACH (socket LB)"),
    NAT_NEW(14, "flow from outside to a backend on another node source-NATed to a new NAT port (per-packet LB)"),
    NAT_FAIL(15, "packet dropped: no node address known for source NAT, or no free NAT port (per-packet LB)"),
    CT_CREATED(16, "per-packet conntrack entry created, either family (with the entries present, gives the LRU evictions)"),
    CT_DELETED(17, "per-packet conntrack entry deleted by the datapath (a flow retired for a new one on its tuple)"),
    NAT_CREATED(18, "source-NAT entry created (IN or OUT half of a flow), either family"),
    POLCT_CREATED(19, "NetworkPolicy conntrack entry created, either family");

    private static final DatapathEvent[] BY_INDEX = values();

    private final int index;
    private final String help;

    DatapathEvent(int index, String help) {
        this.index = index;
        this.help = help;
    }

    /** The key of this counter in {@code senda_metrics_v1}. */
    public int index() {
        return index;
    }

    /** Stable snake_case name, e.g. {@code tc_reject_tcp}. */
    public String metricName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** One line saying what is counted. */
    public String help() {
        return help;
    }

    /** The event at {@code index}, or empty for an index this version does not know. */
    public static Optional<DatapathEvent> ofIndex(int index) {
        // Constants are declared in index order (checked in the static block below).
        return index >= 0 && index < BY_INDEX.length ? Optional.of(BY_INDEX[index]) : Optional.empty();
    }

    static {
        for (DatapathEvent e : BY_INDEX) {
            if (e.index != e.ordinal()) throw new AssertionError(e + " is declared out of index order");
        }
    }
}
