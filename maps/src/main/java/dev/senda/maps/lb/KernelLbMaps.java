package dev.senda.maps.lb;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.abi.MapAbi;
import dev.senda.maps.abi.U32Codec;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.LibbpfException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LbMaps} over the kernel's {@code senda_svc4_v1}, {@code senda_backend4_v1} and
 * {@code senda_revnat4_v1}.
 *
 * <p>Every put is a {@code BPF_ANY} update (an upsert) and every delete of a missing key is a
 * success, so retries are harmless. A failed syscall becomes a {@link MapWriteException}
 * naming the map, the key and the kernel's reason; a single-element BPF update either happens
 * or not, so the entry is as it was before a failed call. Thread-safe (each operation is one
 * syscall); snapshots are best-effort under concurrent writes.
 */
public final class KernelLbMaps implements LbMaps {
    private static final Logger log = LoggerFactory.getLogger(KernelLbMaps.class);
    private final BpfMap services;
    private final BpfMap backends;
    private final BpfMap revNats;
    private final boolean ownsMaps;

    /**
     * Over maps owned by someone else (e.g. a loaded {@code BpfObject}); {@link #close} leaves
     * them open.
     *
     * @throws IllegalArgumentException if a map's key or value size does not match the ABI
     */
    public KernelLbMaps(BpfMap services, BpfMap backends, BpfMap revNats) {
        this(services, backends, revNats, false);
    }

    private KernelLbMaps(BpfMap services, BpfMap backends, BpfMap revNats, boolean ownsMaps) {
        checkAbi(services, Codecs.SVC4_MAP);
        checkAbi(backends, Codecs.BACKEND4_MAP);
        checkAbi(revNats, Codecs.REVNAT4_MAP);
        this.services = services;
        this.backends = backends;
        this.revNats = revNats;
        this.ownsMaps = ownsMaps;
    }

    /**
     * Opens the three maps pinned under {@code bpffsRoot} (by a loaded datapath object). The
     * result owns the map fds: close it.
     *
     * @throws LibbpfException if a pin is missing (ENOENT) or is not a map
     * @throws IllegalArgumentException if a pinned map's sizes do not match the ABI
     */
    public static KernelLbMaps openPinned(Path bpffsRoot) {
        BpfMap svc = null, be = null, rn = null;
        try {
            svc = BpfMap.openPinned(bpffsRoot.resolve(Codecs.SVC4_MAP.mapName()));
            be = BpfMap.openPinned(bpffsRoot.resolve(Codecs.BACKEND4_MAP.mapName()));
            rn = BpfMap.openPinned(bpffsRoot.resolve(Codecs.REVNAT4_MAP.mapName()));
            return new KernelLbMaps(svc, be, rn, true);
        } catch (RuntimeException e) {
            for (BpfMap m : new BpfMap[] {svc, be, rn}) {
                if (m != null) m.close();
            }
            throw e;
        }
    }

    @Override
    public void putBackend(int backendId, BackendValue value) {
        write(backends, "backend " + Integer.toUnsignedString(backendId), () ->
                backends.update(U32Codec.encode(backendId), Codecs.BACKEND4.encode(value)));
    }

    @Override
    public void deleteBackend(int backendId) {
        write(backends, "backend " + Integer.toUnsignedString(backendId), () ->
                backends.delete(U32Codec.encode(backendId)));
    }

    @Override
    public void putService(ServiceKey key, ServiceValue value) {
        write(services, describe(key), () -> services.update(Codecs.SVC4_KEY.encode(key),
                Codecs.SVC4_VALUE.encode(value)));
    }

    @Override
    public void deleteService(ServiceKey key) {
        write(services, describe(key), () -> services.delete(Codecs.SVC4_KEY.encode(key)));
    }

    @Override
    public void putRevNat(int serviceId, RevNatValue value) {
        write(revNats, "service " + Integer.toUnsignedString(serviceId), () ->
                revNats.update(U32Codec.encode(serviceId), Codecs.REVNAT4.encode(value)));
    }

    @Override
    public void deleteRevNat(int serviceId) {
        write(revNats, "service " + Integer.toUnsignedString(serviceId), () ->
                revNats.delete(U32Codec.encode(serviceId)));
    }

    @Override
    public Map<ServiceKey, ServiceValue> services() {
        return Collections.unmodifiableMap(snapshot(services, new HashMap<>(), Codecs.SVC4_KEY::decode,
                Codecs.SVC4_VALUE::decode));
    }

    @Override
    public Map<Integer, BackendValue> backends() {
        return Collections.unmodifiableMap(snapshot(backends, new TreeMap<>(), U32Codec::decode,
                Codecs.BACKEND4::decode));
    }

    @Override
    public Map<Integer, RevNatValue> revNats() {
        return Collections.unmodifiableMap(snapshot(revNats, new TreeMap<>(), U32Codec::decode,
                Codecs.REVNAT4::decode));
    }

    /** Closes the map fds if this instance opened them ({@link #openPinned}). */
    @Override
    public void close() {
        if (ownsMaps) {
            services.close();
            backends.close();
            revNats.close();
        }
    }

    /** "10.96.0.10:80/TCP external slot 0": how a service key appears in errors. */
    static String describe(ServiceKey key) {
        return key.address().getHostAddress() + ":" + key.port() + "/" + key.proto() + " "
                + key.scope().name().toLowerCase() + " slot " + key.slot();
    }

    private static void write(BpfMap map, String key, Runnable op) {
        try {
            op.run();
        } catch (LibbpfException e) {
            throw new MapWriteException("write to " + map.name() + " for " + key + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static <K, V> Map<K, V> snapshot(BpfMap map, Map<K, V> into, Function<byte[], K> keys,
                                             Function<byte[], V> values) {
        for (byte[] rawKey : map.keys()) {
            byte[] rawValue = map.lookup(rawKey);
            if (rawValue == null) continue; // deleted since the key walk
            try {
                into.put(keys.apply(rawKey), values.apply(rawValue));
            } catch (IllegalArgumentException e) {
                // Senda never writes such an entry (a hand edit with bpftool, a newer agent's enum value):
                // leave it out of the view rather than fail the agent. The reconciler then rewrites whatever
                // it needs around it, and `senda cleanup` removes it.
                log.warn("ignoring undecodable entry in {}: key {} value {}: {}", map.name(), BpfMap.hex(rawKey),
                        BpfMap.hex(rawValue), e.getMessage());
            }
        }
        return into;
    }

    private static void checkAbi(BpfMap map, MapAbi abi) {
        if (map.keySize() != abi.keySize() || map.valueSize() != abi.valueSize()) {
            throw new IllegalArgumentException("map " + map.name() + " has key/value sizes " + map.keySize()
                    + "/" + map.valueSize() + ", " + abi.mapName() + " wants " + abi.keySize() + "/"
                    + abi.valueSize() + " (struct " + abi.keyType() + " / struct " + abi.valueType() + ")");
        }
    }
}
