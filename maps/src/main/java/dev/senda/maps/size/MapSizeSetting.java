package dev.senda.maps.size;

import java.util.List;
import java.util.Objects;

/**
 * One size setting: the maps whose {@code max_entries} it sets (a table's IPv4 and IPv6 maps, each
 * getting the full size), the agent flag that sets it, and how its default follows the node's memory.
 * Adding a sized table (policy, say) is one more constant in {@link #ALL} and its flag; nothing else
 * in the size mechanism changes.
 *
 * <h2>Defaults</h2>
 * As Cilium sizes its maps from a share of the node's memory: the budget is {@code ratio} of total
 * memory (default {@link MapSizes#DEFAULT_RATIO}, 0.25 %); each setting gets
 * {@code budget / bytesPerEntry} entries, rounded down to a power of two (the kernel's hash tables
 * size their buckets so), then clamped to {@code [floor, ceiling]}. The floors are what Senda promises
 * whatever the node: 10,000 Services x 10 endpoints in each family.
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
 * @param help          what one entry is, for the flag's help
 */
public record MapSizeSetting(String name, String flag, List<String> mapNames, int bytesPerEntry, int floor,
                             int ceiling, boolean preallocated, String help) {
    public MapSizeSetting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(flag, "flag");
        mapNames = List.copyOf(mapNames);
        Objects.requireNonNull(help, "help");
        if (bytesPerEntry < 1 || floor < MapSizes.MIN_ENTRIES || ceiling < floor || ceiling > MapSizes.MAX_ENTRIES) {
            throw new IllegalArgumentException("bad size setting " + name);
        }
    }

    private static final int K64 = 1 << 16;
    private static final int K128 = 1 << 17;
    private static final int M4 = 1 << 22;

    /**
     * Service slots: a frontend takes 1 + its endpoints. 10,000 Services x (1 + 10) = 110,000 per family.
     */
    public static final MapSizeSetting SERVICES = new MapSizeSetting("services", "--map-size-services",
            List.of("senda_svc4_v1", "senda_svc6_v1"), 96, K128, M4, false,
            "entries of each family's service map: one per frontend plus one per endpoint of each frontend");
    /** Backends: one per distinct endpoint address, port and protocol. 100,000 per family. */
    public static final MapSizeSetting BACKENDS = new MapSizeSetting("backends", "--map-size-backends",
            List.of("senda_backend4_v1", "senda_backend6_v1"), 80, K128, M4, false,
            "entries of each family's backend map: one per distinct endpoint address, port and protocol");
    /** Reverse NAT: one per frontend (a Service port times its addresses: cluster IP, node ports, ...). */
    public static final MapSizeSetting REVERSE_NAT = new MapSizeSetting("reverse NAT", "--map-size-revnat",
            List.of("senda_revnat4_v1", "senda_revnat6_v1"), 72, K64, M4, false,
            "entries of each family's reverse-NAT map: one per frontend");
    /** Per-packet conntrack: two entries per flow (both directions). LRU: the oldest flows are evicted. */
    public static final MapSizeSetting CONNTRACK = new MapSizeSetting("conntrack", "--map-size-conntrack",
            List.of("senda_ct4_v2", "senda_ct6_v1"), 160, K64, M4, true,
            "entries of each family's per-packet conntrack (LRU): two per flow");
    /** Session affinity: one per client and Service. LRU. */
    public static final MapSizeSetting AFFINITY = new MapSizeSetting("affinity", "--map-size-affinity",
            List.of("senda_affinity4_v1", "senda_affinity6_v1"), 128, K64, M4, true,
            "entries of each family's session-affinity map (LRU): one per client and Service");
    /** Source NAT to remote backends: two entries per NATed flow. LRU. */
    public static final MapSizeSetting NAT = new MapSizeSetting("NAT", "--map-size-nat",
            List.of("senda_nat4_v1", "senda_nat6_v1"), 144, K64, M4, true,
            "entries of each family's source-NAT map (LRU): two per flow source-NATed to another node");

    /** Every setting, in the order logs and listings show them. */
    public static final List<MapSizeSetting> ALL = List.of(SERVICES, BACKENDS, REVERSE_NAT, CONNTRACK, AFFINITY, NAT);

    /** The default for a node with {@code totalMemoryBytes} of memory and the given ratio. */
    public int defaultEntries(long totalMemoryBytes, double ratio) {
        double budget = totalMemoryBytes * ratio;
        long entries = (long) (budget / bytesPerEntry);
        long pow2 = entries < 1 ? 1 : Long.highestOneBit(entries);
        return (int) Math.max(floor, Math.min(ceiling, pow2));
    }

    /** Kernel memory {@code entries} cost in all of this setting's maps when full. */
    public long bytes(int entries) {
        return (long) entries * bytesPerEntry * mapNames.size();
    }
}
