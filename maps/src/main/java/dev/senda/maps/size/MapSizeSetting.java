package dev.senda.maps.size;

import java.util.List;
import java.util.Objects;

/**
 * One size setting: the maps whose {@code max_entries} it sets (a table's IPv4 and IPv6 maps, each
 * getting the full size), the agent flag that sets it, and how its default follows the node's memory.
 * Adding a sized table is one more constant in {@link #ALL} (an LRU table's budget share taken from the
 * others', as theirs add up to 1); its flag is made from it (the agent's {@code MapSizeOptions}), and
 * nothing else in the size mechanism changes.
 *
 * <h2>Defaults</h2>
 * As Cilium sizes its maps from a share of the node's memory: the budget is {@code ratio} of total
 * memory (default {@link MapSizes#DEFAULT_RATIO}, 0.25 %). The preallocated (LRU) tables share that one
 * budget, each taking its {@code budgetShare} of it (the shares of the preallocated settings add up to 1),
 * because the kernel allocates them whole at creation: their sizes are memory spent on every node and
 * time spent in the node's first start. The hash tables allocate their entries as they are written, so
 * the services and backends tables may each grow to the whole budget (a share of 1); the reverse-NAT
 * table takes a quarter, as it holds one entry per frontend where the services table holds the
 * frontend's header and a slot per endpoint. (A hash table's bucket array is allocated at creation
 * though: 16 bytes per entry of its size rounded up to a power of two, 8 MiB for 524,288 entries.) A
 * setting gets {@code budget * budgetShare /
 * bytesPerEntry} entries, rounded down to a power of two (the kernel's hash tables size their buckets
 * so), then clamped to {@code [floor, ceiling]}. The floors are what Senda promises whatever the node:
 * 10,000 Services x 10 endpoints in each family, and kube-proxy's least conntrack table (131,072).
 *
 * @param name          for logs and {@code senda bpf features} ("services")
 * @param flag          the agent flag ({@code --map-size-services})
 * @param mapNames      the maps it sizes, each to the full size (one per family)
 * @param bytesPerEntry kernel memory an entry costs, key, value and the hash table's element header
 *                      (an estimate: used for the default and for the memory check of a given size)
 * @param floor         least default
 * @param ceiling       largest default (and largest accepted value: {@link MapSizes#MAX_ENTRIES} bounds all)
 * @param preallocated  whether the kernel allocates every entry at creation (LRU maps), so that the size
 *                      costs memory whether used or not
 * @param budgetShare   the share of the memory budget the default takes, in (0, 1]
 * @param help          what one entry is, for the flag's help
 */
public record MapSizeSetting(String name, String flag, List<String> mapNames, int bytesPerEntry, int floor,
                             int ceiling, boolean preallocated, double budgetShare, String help) {
    public MapSizeSetting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(flag, "flag");
        mapNames = List.copyOf(mapNames);
        Objects.requireNonNull(help, "help");
        if (bytesPerEntry < 1 || floor < MapSizes.MIN_ENTRIES || ceiling < floor || ceiling > MapSizes.MAX_ENTRIES
                || !(budgetShare > 0 && budgetShare <= 1)) {
            throw new IllegalArgumentException("bad size setting " + name);
        }
    }

    private static final int K32 = 1 << 15;
    private static final int K64 = 1 << 16;
    private static final int K128 = 1 << 17;
    private static final int M4 = 1 << 22;

    /**
     * Service slots: a frontend takes 1 + its endpoints. 10,000 Services x (1 + 10) = 110,000 per family.
     */
    public static final MapSizeSetting SERVICES = new MapSizeSetting("services", "--map-size-services",
            List.of("senda_svc4_v1", "senda_svc6_v1"), 96, K128, M4, false, 1,
            "entries of each family's service map: one per frontend plus one per endpoint of each frontend");
    /** Backends: one per distinct endpoint address, port and protocol. 100,000 per family. */
    public static final MapSizeSetting BACKENDS = new MapSizeSetting("backends", "--map-size-backends",
            List.of("senda_backend4_v1", "senda_backend6_v1"), 80, K128, M4, false, 1,
            "entries of each family's backend map: one per distinct endpoint address, port and protocol");
    /**
     * Reverse NAT: one per frontend (a Service port times its addresses: cluster IP, node ports, ...). A
     * quarter of the budget, at 72 bytes an entry against the services table's 96: a third of the
     * services table's entries before rounding, a half or a quarter after (each default rounds down to a
     * power of two on its own: a half on a 16 or 64 GiB node, a quarter on a 24 GiB one). A frontend takes one
     * entry here and its header plus a slot per endpoint there, so this table fills first only where
     * frontends average fewer than one endpoint (three where the sizes are a quarter apart); and its empty
     * bucket array costs a half or a quarter of the services table's.
     */
    public static final MapSizeSetting REVERSE_NAT = new MapSizeSetting("reverse NAT", "--map-size-revnat",
            List.of("senda_revnat4_v1", "senda_revnat6_v1"), 72, K64, M4, false, 0.25,
            "entries of each family's reverse-NAT map: one per frontend");
    /*
     * The LRU tables' shares of the one budget: conntrack the most (every per-packet flow), then NAT and the
     * policy conntrack (flows too, but only those to other nodes' backends or checked by a policy), then
     * the socket-LB tables (one entry per client socket, not per flow direction) and affinity (only
     * Services with ClientIP affinity).
     */

    /**
     * Per-packet conntrack: two entries per flow (both directions). LRU: the oldest flows are evicted.
     * Floor: kube-proxy's least {@code nf_conntrack_max}.
     */
    public static final MapSizeSetting CONNTRACK = new MapSizeSetting("conntrack", "--map-size-conntrack",
            List.of("senda_ct4_v2", "senda_ct6_v1"), 160, K128, M4, true, 0.4,
            "entries of each family's per-packet conntrack (LRU): two per flow");
    /** Session affinity: one per client and Service. LRU. */
    public static final MapSizeSetting AFFINITY = new MapSizeSetting("affinity", "--map-size-affinity",
            List.of("senda_affinity4_v1", "senda_affinity6_v1"), 128, K64, M4, true, 0.05,
            "entries of each family's session-affinity map (LRU): one per client and Service");
    /** Source NAT to remote backends: two entries per NATed flow. LRU. */
    public static final MapSizeSetting NAT = new MapSizeSetting("NAT", "--map-size-nat",
            List.of("senda_nat4_v1", "senda_nat6_v1"), 144, K64, M4, true, 0.2,
            "entries of each family's source-NAT map (LRU): two per flow source-NATed to another node");
    /** NetworkPolicy conntrack: one per allowed flow's return direction. LRU. */
    public static final MapSizeSetting POLICY_CONNTRACK = new MapSizeSetting("policy conntrack",
            "--map-size-policy-conntrack", List.of("senda_polct4_v1", "senda_polct6_v1"), 128, K64, M4, true, 0.2,
            "entries of each family's NetworkPolicy conntrack (LRU): one per flow a policy allowed");
    /** Socket-LB reverse translation: one per client socket and the backend it reached. LRU. */
    public static final MapSizeSetting SOCKET_REVNAT = new MapSizeSetting("socket reverse NAT",
            "--map-size-sock-revnat", List.of("senda_sockrevnat4_v1", "senda_sockrevnat6_v1"), 128, K64, M4, true,
            0.1, "entries of each family's socket-LB reverse-NAT map (LRU): one per client socket and backend");
    /** Socket-LB flows: one per unconnected UDP socket and Service, the backend it got first. LRU. */
    public static final MapSizeSetting SOCKET_FLOW = new MapSizeSetting("socket flows", "--map-size-sock-flow",
            List.of("senda_sockflow4_v1", "senda_sockflow6_v1"), 128, K32, M4, true, 0.05,
            "entries of each family's socket-LB flow map (LRU): one per unconnected UDP socket and Service");

    /** Every setting, in the order logs and listings show them. */
    public static final List<MapSizeSetting> ALL = List.of(SERVICES, BACKENDS, REVERSE_NAT, CONNTRACK, AFFINITY, NAT,
            POLICY_CONNTRACK, SOCKET_REVNAT, SOCKET_FLOW);

    /** The default for a node with {@code totalMemoryBytes} of memory and the given ratio. */
    public int defaultEntries(long totalMemoryBytes, double ratio) {
        double budget = totalMemoryBytes * ratio * budgetShare;
        long entries = (long) (budget / bytesPerEntry);
        long pow2 = entries < 1 ? 1 : Long.highestOneBit(entries);
        return (int) Math.max(floor, Math.min(ceiling, pow2));
    }

    /** Kernel memory {@code entries} cost in all of this setting's maps when full. */
    public long bytes(int entries) {
        return (long) entries * bytesPerEntry * mapNames.size();
    }
}
