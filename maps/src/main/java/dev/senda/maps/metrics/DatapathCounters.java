package dev.senda.maps.metrics;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.abi.MapAbi;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.libbpf.MapInfo;
import me.bechberger.ebpf.bpf.raw.Lib;

/**
 * Reads the datapath's event counters ({@code senda_metrics_v1}, a per-CPU array of {@code __u64}
 * indexed by {@link DatapathEvent}) and sums them over CPUs.
 *
 * <p>A lookup in a per-CPU map returns one value per possible CPU, each in an 8-byte-aligned slot
 * ({@code round_up(value_size, 8)} bytes), which {@link BpfMap#lookup} does not handle; this class
 * does the lookup itself. Reads are single syscalls and safe from several threads. The BPF side
 * adds without atomics on its own CPU, so a sum is a consistent-enough snapshot: each per-CPU value
 * only grows, and a value read mid-update is the old or the new one.
 *
 * <p>Values are unsigned 64-bit counts carried in a {@code long}; they cannot realistically pass
 * 2^63, and {@link #toDouble} converts them unsigned anyway.
 */
public final class DatapathCounters implements AutoCloseable {
    /** The map's name in C, also its pin's file name. */
    public static final String MAP_NAME = Codecs.METRICS_MAP.mapName();
    /** {@code BPF_MAP_TYPE_PERCPU_ARRAY} from {@code linux/bpf.h}. */
    static final int BPF_MAP_TYPE_PERCPU_ARRAY = 6;

    private final BpfMap map;
    private final int cpus;
    private final int stride;

    /**
     * Reads through {@code map} (a loaded object's map, or one opened from its pin). Closing this
     * closes {@code map}, which does nothing for an object's map.
     *
     * @throws IllegalArgumentException if the map is not a per-CPU array with {@code __u32} keys,
     *                                  {@code __u64} values and an entry for every known event
     */
    public DatapathCounters(BpfMap map) {
        this(map, PossibleCpus.count());
    }

    DatapathCounters(BpfMap map, int cpus) {
        if (cpus < 1) throw new IllegalArgumentException("possible CPUs: " + cpus);
        this.map = map;
        this.cpus = cpus;
        MapAbi abi = Codecs.METRICS_MAP;
        MapInfo info = map.info();
        if (info.type() != BPF_MAP_TYPE_PERCPU_ARRAY || info.keySize() != abi.keySize()
                || info.valueSize() != abi.valueSize() || info.maxEntries() < DatapathEvent.values().length) {
            throw new IllegalArgumentException("map " + map.name() + " is not " + abi.mapName()
                    + " (a per-CPU array of " + DatapathEvent.values().length + "+ __u64 counters): type "
                    + info.type() + ", key " + info.keySize() + " bytes, value " + info.valueSize()
                    + " bytes, " + info.maxEntries() + " entries");
        }
        this.stride = (info.valueSize() + 7) & ~7;
    }

    /**
     * Opens the pinned counters under an agent's bpffs root ({@code <root>/senda_metrics_v1}).
     * The caller closes the result.
     *
     * @throws LibbpfException ENOENT if no agent pinned them there
     */
    public static DatapathCounters openPinned(Path bpffsRoot) {
        BpfMap map = BpfMap.openPinned(bpffsRoot.resolve(MAP_NAME));
        try {
            return new DatapathCounters(map);
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    /** The number of CPUs whose values are summed. */
    public int cpus() {
        return cpus;
    }

    /** The count of one event, summed over CPUs. */
    public long read(DatapathEvent event) {
        long sum = 0;
        for (long v : readPerCpu(event)) sum += v;
        return sum;
    }

    /** Every known event with its count, in index order. */
    public Map<DatapathEvent, Long> readAll() {
        Map<DatapathEvent, Long> out = new EnumMap<>(DatapathEvent.class);
        for (DatapathEvent e : DatapathEvent.values()) out.put(e, read(e));
        return Collections.unmodifiableMap(out);
    }

    /** The per-CPU values of one event, index = position among the possible CPUs. */
    public long[] readPerCpu(DatapathEvent event) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, event.index());
            MemorySegment values = arena.allocate((long) stride * cpus, 8);
            int rc = Lib.bpf_map_lookup_elem(map.fd(), key, values);
            if (rc < 0) throw new LibbpfException("lookup in map " + map.name() + " of " + event.metricName(), rc);
            long[] out = new long[cpus];
            ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.nativeOrder());
            for (int cpu = 0; cpu < cpus; cpu++) out[cpu] = values.get(u64, (long) cpu * stride);
            return out;
        }
    }

    /** An unsigned 64-bit count as a double (Prometheus sample values are doubles). */
    public static double toDouble(long unsignedCount) {
        return unsignedCount >= 0 ? unsignedCount : (unsignedCount >>> 1) * 2.0 + (unsignedCount & 1);
    }

    /** Closes the map if this reader opened it from a pin. */
    @Override
    public void close() {
        map.close();
    }

    @Override
    public String toString() {
        return "DatapathCounters[" + map.name() + ", " + cpus + " CPUs]";
    }
}
