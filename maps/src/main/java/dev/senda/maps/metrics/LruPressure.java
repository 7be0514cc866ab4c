package dev.senda.maps.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.libbpf.BpfMap;

/**
 * How full the datapath's LRU maps are, and how many entries their LRU has evicted.
 *
 * <p>An LRU map never refuses an insert: when full, the kernel evicts its least recently used
 * entries, and nothing tells anyone. Two measures make that visible:
 * <ul>
 *   <li><b>Occupancy</b>: the entries each LRU map holds, counted with
 *       {@link BpfMap#countEntries} (a batch walk: one syscall per 4,096 entries). Not on every
 *       request: a {@link #sample()} younger than {@code minAge} is answered from the last count,
 *       so however often Prometheus scrapes, a map is walked at most once per {@code minAge}.</li>
 *   <li><b>Pressure</b>: for the tables whose entries the datapath counts as it creates and deletes
 *       them ({@link #TABLES}; bpf/lib/lru.h), the evictions are what is missing:
 *       {@code evicted = created - deleted - present}. The counters are read just before the count,
 *       so on a quiet table the figure is exact, and on a busy one it is off by at most the entries
 *       created or deleted during the count (milliseconds). Entries the agent itself writes (a
 *       conntrack migration) are not counted as created, which can only lower the figure; it is
 *       never below 0 and, within one agent process, never decreases (a Prometheus counter).</li>
 * </ul>
 * Thread-safe; sampling is serialized.
 */
public final class LruPressure {
    /**
     * An LRU table whose evictions are estimated: its maps (one per family) and the datapath events
     * that count its entries created and, if the datapath deletes any, deleted.
     *
     * @param label   the {@code table} label of the exported series
     */
    public record Table(String label, List<String> mapNames, DatapathEvent created, Optional<DatapathEvent> deleted) {
        public Table {
            Objects.requireNonNull(label, "label");
            mapNames = List.copyOf(mapNames);
            Objects.requireNonNull(created, "created");
            Objects.requireNonNull(deleted, "deleted");
        }
    }

    /** Per-packet conntrack, source NAT and NetworkPolicy conntrack (both families each). */
    public static final List<Table> TABLES = List.of(
            new Table("conntrack", List.of(Codecs.CT4_MAP.mapName(), Codecs.CT6_MAP.mapName()),
                    DatapathEvent.CT_CREATED, Optional.of(DatapathEvent.CT_DELETED)),
            new Table("nat", List.of(Codecs.NAT4_MAP.mapName(), Codecs.NAT6_MAP.mapName()),
                    DatapathEvent.NAT_CREATED, Optional.empty()),
            new Table("policy_conntrack", List.of(Codecs.POLCT4_MAP.mapName(), Codecs.POLCT6_MAP.mapName()),
                    DatapathEvent.POLCT_CREATED, Optional.empty()));

    /**
     * One count.
     *
     * @param at        when the maps were counted
     * @param entries   entries per LRU map name
     * @param capacity  {@code max_entries} per LRU map name
     * @param evictions estimated evictions per {@link Table#label()} (tables whose maps are all present)
     */
    public record Sample(Instant at, Map<String, Long> entries, Map<String, Integer> capacity,
                         Map<String, Long> evictions) {
        public Sample {
            entries = Map.copyOf(entries);
            capacity = Map.copyOf(capacity);
            evictions = Map.copyOf(evictions);
        }
    }

    private final Map<String, BpfMap> maps;
    private final Supplier<Map<DatapathEvent, Long>> counters;
    private final Duration minAge;
    private final InstantSource clock;
    private final Map<String, Long> highestEvictions = new TreeMap<>();
    private Sample last;

    /**
     * @param maps     the LRU maps by name (e.g. {@code Datapath.lruMaps()}); not closed by this
     * @param counters the datapath's event counters, e.g. {@code DatapathCounters::readAll}
     * @param minAge   how long a count is reused
     */
    public LruPressure(Map<String, BpfMap> maps, Supplier<Map<DatapathEvent, Long>> counters, Duration minAge,
                       InstantSource clock) {
        this.maps = Map.copyOf(maps);
        this.counters = Objects.requireNonNull(counters, "counters");
        this.minAge = Objects.requireNonNull(minAge, "minAge");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The last count if it is younger than {@code minAge}, else a new one.
     *
     * @throws RuntimeException when a map or the counters cannot be read (the next call tries again)
     */
    public synchronized Sample sample() {
        Instant now = clock.instant();
        if (last != null && Duration.between(last.at(), now).compareTo(minAge) < 0) return last;
        Map<DatapathEvent, Long> before = counters.get();
        Map<String, Long> entries = new TreeMap<>();
        Map<String, Integer> capacity = new TreeMap<>();
        maps.forEach((name, map) -> {
            entries.put(name, map.countEntries());
            capacity.put(name, map.info().maxEntries());
        });
        for (Table t : TABLES) {
            if (!entries.keySet().containsAll(t.mapNames())) continue;
            long present = t.mapNames().stream().mapToLong(entries::get).sum();
            long created = before.getOrDefault(t.created(), 0L);
            long deleted = t.deleted().map(d -> before.getOrDefault(d, 0L)).orElse(0L);
            long evicted = Math.max(0, created - deleted - present);
            highestEvictions.merge(t.label(), evicted, Math::max);
        }
        last = new Sample(now, entries, capacity, highestEvictions);
        return last;
    }
}
