package dev.senda.maps.policy;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.LibbpfException;
import dev.senda.maps.metrics.PossibleCpus;
import me.bechberger.ebpf.bpf.raw.Lib;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the policy verdict counters ({@code senda_polstats_v1}, a per-CPU hash of {@code __u64} keyed
 * by {@link PolicyStatsKey}) and sums them over CPUs, as {@link dev.senda.maps.metrics.DatapathCounters}
 * does for the event counters. A key the datapath has not counted yet is absent (read as 0).
 */
public final class PolicyCounters implements AutoCloseable {
    /** The map's name in C, also its pin's file name. */
    public static final String MAP_NAME = Codecs.POLSTATS_MAP.mapName();

    private final BpfMap map;
    private final int cpus;

    /** Reads through {@code map}; closing this closes it (nothing for an object's map). */
    public PolicyCounters(BpfMap map) {
        this.map = map;
        this.cpus = PossibleCpus.count();
        if (map.keySize() != Codecs.POLSTATS_KEY.size() || map.valueSize() != Long.BYTES) {
            throw new IllegalArgumentException("map " + map.name() + " is not " + MAP_NAME + ": key "
                    + map.keySize() + " bytes, value " + map.valueSize() + " bytes");
        }
    }

    /** Opens the pinned counters under an agent's bpffs root. The caller closes the result. */
    public static PolicyCounters openPinned(Path bpffsRoot) {
        BpfMap map = BpfMap.openPinned(bpffsRoot.resolve(MAP_NAME));
        try {
            return new PolicyCounters(map);
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    /** Every counter present, summed over CPUs, in key order. Keys that do not decode are skipped. */
    public Map<PolicyStatsKey, Long> readAll() {
        Map<PolicyStatsKey, Long> out = new TreeMap<>();
        for (byte[] key : map.keys()) {
            PolicyStatsKey k;
            try {
                k = Codecs.POLSTATS_KEY.decode(key);
            } catch (IllegalArgumentException e) {
                continue;
            }
            out.put(k, sum(key));
        }
        return Collections.unmodifiableMap(out);
    }

    private long sum(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocateFrom(ValueLayout.JAVA_BYTE, key);
            MemorySegment values = arena.allocate((long) Long.BYTES * cpus, 8);
            int rc = Lib.bpf_map_lookup_elem(map.fd(), k, values);
            if (rc == -LibbpfException.ENOENT) return 0;  // deleted between the walk and the lookup
            if (rc < 0) throw new LibbpfException("lookup in map " + map.name(), rc);
            ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.nativeOrder());
            long s = 0;
            for (int cpu = 0; cpu < cpus; cpu++) s += values.get(u64, (long) cpu * Long.BYTES);
            return s;
        }
    }

    @Override
    public void close() {
        map.close();
    }
}
