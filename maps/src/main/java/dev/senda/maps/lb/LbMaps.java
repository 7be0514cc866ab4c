package dev.senda.maps.lb;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.table.FaultInjectingTypedMap;
import dev.senda.maps.table.FaultInjector;
import dev.senda.maps.table.TableSpec;
import dev.senda.maps.table.TypedMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The load-balancer tables the reconciler writes: service slots, backends, reverse NAT and source
 * ranges, each an IPv4 and an IPv6 map behind one {@link TypedMap} (the key's family picks the map).
 *
 * <p>Contract (of every table): puts are upserts, deletes of missing keys succeed, a failed write
 * throws {@link dev.senda.maps.table.MapWriteException} and leaves the entry as it was. Ordering
 * between writes is the reconciler's business.
 *
 * @param services {@code senda_svc4_v1} / {@code senda_svc6_v1}
 * @param backends {@code senda_backend4_v1} / {@code senda_backend6_v1}
 * @param revNats  {@code senda_revnat4_v1} / {@code senda_revnat6_v1}
 * @param sourceRanges {@code senda_srcrange4_v1} / {@code senda_srcrange6_v1} (LPM tries:
 *                 loadBalancerSourceRanges per frontend, read when its header has
 *                 {@link ServiceValue#FLAG_SOURCE_RANGES})
 */
public record LbMaps(TypedMap<ServiceKey, ServiceValue> services, TypedMap<BackendKey, BackendValue> backends,
                     TypedMap<RevNatKey, RevNatValue> revNats,
                     TypedMap<SourceRangeKey, SourceRangeValue> sourceRanges) implements AutoCloseable {

    public static final TableSpec<ServiceKey, ServiceValue> SERVICES =
            new TableSpec<>("services", ServiceKey::family, Codecs.SVC4_MAP, Codecs.SVC6_MAP);
    public static final TableSpec<BackendKey, BackendValue> BACKENDS =
            new TableSpec<>("backends", BackendKey::family, Codecs.BACKEND4_MAP, Codecs.BACKEND6_MAP);
    public static final TableSpec<RevNatKey, RevNatValue> REVNATS =
            new TableSpec<>("reverse NAT", RevNatKey::family, Codecs.REVNAT4_MAP, Codecs.REVNAT6_MAP);
    public static final TableSpec<SourceRangeKey, SourceRangeValue> SOURCE_RANGES =
            new TableSpec<>("source ranges", SourceRangeKey::family, Codecs.SRC_RANGE4_MAP, Codecs.SRC_RANGE6_MAP);

    public LbMaps {
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(backends, "backends");
        Objects.requireNonNull(revNats, "revNats");
        Objects.requireNonNull(sourceRanges, "sourceRanges");
    }

    /**
     * The tables pinned under {@code bpffsRoot} by a loaded datapath; the result owns the fds.
     *
     * @throws dev.senda.maps.libbpf.LibbpfException if a pin is missing or is not a map
     * @throws IllegalArgumentException if a pinned map's sizes do not match the ABI
     */
    public static LbMaps openPinned(Path bpffsRoot) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            var services = opened(opened, SERVICES.openPinned(bpffsRoot));
            var backends = opened(opened, BACKENDS.openPinned(bpffsRoot));
            var revNats = opened(opened, REVNATS.openPinned(bpffsRoot));
            return new LbMaps(services, backends, revNats, SOURCE_RANGES.openPinned(bpffsRoot));
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened.reversed()) {
                try {
                    c.close();
                } catch (Exception x) {
                    e.addSuppressed(x);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T opened(List<AutoCloseable> opened, T table) {
        opened.add(table);
        return table;
    }

    /** Over a loaded object's maps (the object owns them). */
    public static LbMaps over(BpfObject object) {
        return new LbMaps(SERVICES.over(object), BACKENDS.over(object), REVNATS.over(object),
                SOURCE_RANGES.over(object));
    }

    /** Empty tables in memory, for tests and dry runs. */
    public static LbMaps inMemory() {
        return new LbMaps(SERVICES.inMemory(), BACKENDS.inMemory(), REVNATS.inMemory(), SOURCE_RANGES.inMemory());
    }

    /** The same tables, failing the writes {@code faults} chooses (counted across all of them). */
    public LbMaps withFaults(FaultInjector faults) {
        return new LbMaps(new FaultInjectingTypedMap<>(services, faults),
                new FaultInjectingTypedMap<>(backends, faults), new FaultInjectingTypedMap<>(revNats, faults),
                new FaultInjectingTypedMap<>(sourceRanges, faults));
    }

    @Override
    public void close() {
        try {
            services.close();
        } finally {
            try {
                backends.close();
            } finally {
                try {
                    revNats.close();
                } finally {
                    sourceRanges.close();
                }
            }
        }
    }
}
