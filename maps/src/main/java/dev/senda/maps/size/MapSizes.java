package dev.senda.maps.size;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The {@code max_entries} of every sized map: each {@link MapSizeSetting}'s value, given on the command
 * line or derived from the node's memory. Immutable.
 *
 * @param entries          every setting of {@link MapSizeSetting#ALL} and its value
 * @param explicit         the settings given on the command line (validated by the agent's start checks;
 *                         the derived ones are valid by construction)
 * @param totalMemoryBytes the node's memory the defaults were derived from
 * @param ratio            the share of it the defaults use
 */
public record MapSizes(Map<MapSizeSetting, Integer> entries, java.util.Set<MapSizeSetting> explicit,
                       long totalMemoryBytes, double ratio) {
    /** Cilium's default share of memory for its dynamically sized maps: 0.25 %. */
    public static final double DEFAULT_RATIO = 0.0025;
    /** Least accepted size of any map. */
    public static final int MIN_ENTRIES = 16;
    /** Largest accepted size of any map (16 Mi entries). */
    public static final int MAX_ENTRIES = 1 << 24;
    /** The flag of the ratio. */
    public static final String RATIO_FLAG = "--map-size-ratio";

    public MapSizes {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        explicit = java.util.Set.copyOf(explicit);
        if (!entries.keySet().containsAll(MapSizeSetting.ALL)) throw new IllegalArgumentException("a setting lacks a size");
    }

    /**
     * The sizes for a node of {@code totalMemoryBytes}: {@code given} where present, the memory-derived
     * default elsewhere. Values are not checked here (see the agent's start checks).
     */
    public static MapSizes resolve(long totalMemoryBytes, double ratio, Map<MapSizeSetting, Integer> given) {
        Map<MapSizeSetting, Integer> entries = new LinkedHashMap<>();
        for (MapSizeSetting s : MapSizeSetting.ALL) {
            Integer value = given.get(s);
            entries.put(s, value != null ? value : s.defaultEntries(totalMemoryBytes, ratio));
        }
        return new MapSizes(entries, given.keySet(), totalMemoryBytes, ratio);
    }

    /** The defaults for this node ({@link MemInfo#totalBytes()}, {@link #DEFAULT_RATIO}). */
    public static MapSizes defaultsForThisNode() {
        return resolve(MemInfo.totalBytes(), DEFAULT_RATIO, Map.of());
    }

    public int of(MapSizeSetting setting) {
        return entries.get(setting);
    }

    /** The size of one map by its name, or empty when no setting sizes it (it keeps its compiled size). */
    public OptionalInt forMap(String mapName) {
        for (Map.Entry<MapSizeSetting, Integer> e : entries.entrySet()) {
            if (e.getKey().mapNames().contains(mapName)) return OptionalInt.of(e.getValue());
        }
        return OptionalInt.empty();
    }

    /** The setting that sizes a map, if any. */
    public static java.util.Optional<MapSizeSetting> settingOf(String mapName) {
        return MapSizeSetting.ALL.stream().filter(s -> s.mapNames().contains(mapName)).findFirst();
    }

    /**
     * Every value that cannot work, one line each starting with its flag: outside
     * {@link #MIN_ENTRIES}..{@link #MAX_ENTRIES}, a ratio outside (0, 0.1], or preallocated maps that
     * would take more than a quarter of the node's memory.
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (!(ratio > 0 && ratio <= 0.1)) out.add(RATIO_FLAG + ": " + ratio + " is not in (0, 0.1]");
        long preallocated = 0;
        for (Map.Entry<MapSizeSetting, Integer> e : entries.entrySet()) {
            MapSizeSetting s = e.getKey();
            int n = e.getValue();
            if (n < MIN_ENTRIES || n > MAX_ENTRIES) {
                out.add(s.flag() + ": " + n + " is not in " + MIN_ENTRIES + ".." + MAX_ENTRIES);
            } else if (s.preallocated()) {
                preallocated += s.bytes(n);
            }
        }
        if (out.isEmpty() && totalMemoryBytes > 0 && preallocated > totalMemoryBytes / 4) {
            String flags = entries.keySet().stream().filter(MapSizeSetting::preallocated)
                    .filter(explicit::contains).map(MapSizeSetting::flag).reduce((a, b) -> a + ", " + b)
                    .orElse(RATIO_FLAG);
            out.add(flags + ": the LRU maps would take " + (preallocated >> 20) + " MiB, more than a quarter of "
                    + "this node's " + (totalMemoryBytes >> 20) + " MiB");
        }
        return out;
    }

    /** One line for the log: "services 131072, backends 131072, ... (per family; 0.25% of 23.4 GiB)". */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<MapSizeSetting, Integer> e : entries.entrySet()) {
            if (!b.isEmpty()) b.append(", ");
            b.append(e.getKey().name()).append(' ').append(e.getValue());
            if (explicit.contains(e.getKey())) b.append(" (").append(e.getKey().flag()).append(')');
        }
        return b.append(" entries per family; defaults from ").append(String.format("%.2f", ratio * 100))
                .append("% of ").append(String.format("%.1f", totalMemoryBytes / (double) (1L << 30)))
                .append(" GiB").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapSizes m && entries.equals(m.entries) && explicit.equals(m.explicit)
                && totalMemoryBytes == m.totalMemoryBytes && Double.compare(ratio, m.ratio) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries, explicit, totalMemoryBytes, ratio);
    }
}
