package dev.senda.datapath;

import dev.senda.maps.abi.Codecs;
import dev.senda.maps.lb.AffinityKey;
import dev.senda.maps.lb.AffinityValue;
import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.DatapathTables;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.maps.table.TypedMap;
import dev.senda.net.IpAddress;
import dev.senda.net.IpFamily;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.CtDirection;
import dev.senda.maps.lb.CtKey;
import dev.senda.maps.lb.CtValue;
import dev.senda.maps.lb.Protocol;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.Scope;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SourceRangeKey;
import dev.senda.maps.lb.SourceRangeValue;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.libbpf.BpfProgram;
import dev.senda.maps.libbpf.Bpffs;
import dev.senda.maps.libbpf.TestRunResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * One freshly loaded datapath object ({@code senda_tc.o} or {@code senda_sock.o}, from the
 * classpath) with its maps pinned under a unique directory ({@code /sys/fs/bpf/sd<4 hex>}), so
 * tests neither see each other's state nor any agent's maps. {@link #close} unpins everything
 * and removes the directory.
 */
final class TestDatapath implements AutoCloseable {
    static final String TC_OBJECT = "dev/senda/bpf/senda_tc.o";
    static final String SOCK_OBJECT = "dev/senda/bpf/senda_sock.o";
    static final String TC_PROGRAM = "senda_tc_from_pod";

    static final int TC_ACT_OK = 0;
    static final int TC_ACT_SHOT = 2;
    static final int TC_ACT_REDIRECT = 7;

    private final Path objectFile;
    private final Path pinRoot;
    private final BpfObject object;
    /** The load-balancer tables of both families, as the reconciler sees them. */
    final LbMaps lb;
    /** Conntrack of both families; null for the socket object, which has none. */
    final TypedMap<CtKey, CtValue> conntrack;
    /** Session affinity of both families (both objects select backends, so both have it). */
    final TypedMap<AffinityKey, AffinityValue> affinity;

    private TestDatapath(Path objectFile, Path pinRoot, BpfObject object) {
        this.objectFile = objectFile;
        this.pinRoot = pinRoot;
        this.object = object;
        this.lb = LbMaps.over(object);
        this.conntrack = object.maps().stream().anyMatch(m -> m.name().equals(Codecs.CT4_MAP.mapName()))
                ? DatapathTables.CONNTRACK.over(object) : null;
        this.affinity = DatapathTables.AFFINITY.over(object);
    }

    /** The per-packet datapath. */
    static TestDatapath loadTc() {
        return load(TC_OBJECT);
    }

    /** The socket datapath. */
    static TestDatapath loadSock() {
        return load(SOCK_OBJECT);
    }

    static TestDatapath load(String resource) {
        return load(in -> {
            try (InputStream from = TestDatapath.class.getClassLoader().getResourceAsStream(resource)) {
                if (from == null) throw new IllegalStateException(resource + " is not on the classpath (build bpf/)");
                Files.copy(from, in, StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }

    /** A tc object built elsewhere (e.g. {@code dev.senda.maps.DatapathVariants}), loaded as {@link #load(String)} does. */
    static TestDatapath loadFile(Path built) {
        return load(in -> Files.copy(built, in, StandardCopyOption.REPLACE_EXISTING));
    }

    /** Writes the object file to load into the given temporary file. */
    private interface ObjectSource {
        void copyTo(Path file) throws IOException;
    }

    private static TestDatapath load(ObjectSource source) {
        Path objectFile = null;
        Path pinRoot = null;
        BpfObject object = null;
        try {
            objectFile = Files.createTempFile("senda", ".o");
            source.copyTo(objectFile);
            String name = "sd" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
            pinRoot = Bpffs.ensureMounted(Path.of("/sys/fs/bpf", name));
            object = BpfObject.open(objectFile, pinRoot).load();
            return new TestDatapath(objectFile, pinRoot, object);
        } catch (IOException | RuntimeException e) {
            if (object != null) object.close();
            cleanup(pinRoot, objectFile, e);
            if (e instanceof IOException io) throw new UncheckedIOException(io);
            throw (RuntimeException) e;
        }
    }

    /** Runs the tc program once on {@code frame}. */
    TestRunResult run(byte[] frame) {
        return object.program(TC_PROGRAM).testRun(frame, 1);
    }

    BpfProgram program(String name) {
        return object.program(name);
    }

    /** Every program of the object, all loaded. */
    java.util.List<BpfProgram> programs() {
        return object.programs();
    }

    /** One of the object's tables, e.g. {@code PolicyTables.RULES}. */
    <K, V> dev.senda.maps.table.FamilySplitMap<K, V> table(dev.senda.maps.table.TableSpec<K, V> spec) {
        return spec.over(object);
    }

    BpfMap map(String name) {
        return object.map(name);
    }

    Path pinRoot() {
        return pinRoot;
    }

    void putBackend(int id, String address, int port, Protocol proto) {
        IpAddress a = PacketBuilder.ip(address);
        lb.backends().put(new BackendKey(a.family(), id), new BackendValue(a, port, proto, BackendState.ACTIVE));
    }

    /** Deletes backend {@code id} from both families' maps. */
    void deleteBackend(int id) {
        for (IpFamily f : IpFamily.values()) lb.backends().delete(new BackendKey(f, id));
    }

    /** Deletes one slot (or the header, slot 0) of a frontend. */
    void deleteServiceSlot(String vip, int port, Protocol proto, int slot) {
        lb.services().delete(new ServiceKey(PacketBuilder.ip(vip), port, proto, Scope.EXTERNAL, slot));
    }

    /**
     * Programs a frontend the way the reconciler does (slots, reverse NAT, then the header
     * carrying the count), with one slot per backend id, in order.
     */
    void putService(String vip, int port, Protocol proto, int serviceId, int... backendIds) {
        IpAddress a = PacketBuilder.ip(vip);
        ServiceKey header = new ServiceKey(a, port, proto, Scope.EXTERNAL, 0);
        for (int i = 0; i < backendIds.length; i++) {
            lb.services().put(header.withSlot(i + 1), ServiceValue.slot(serviceId, backendIds[i]));
        }
        lb.revNats().put(new RevNatKey(a.family(), serviceId), new RevNatValue(a, port));
        lb.services().put(header, ServiceValue.header(serviceId, backendIds.length, 0));
    }

    /**
     * Programs a frontend in {@code scope} with header {@code flags} ({@code ServiceValue.FLAG_*}), as
     * {@link #putService} does.
     */
    void putFrontend(String vip, int port, Protocol proto, Scope scope, int flags, int serviceId, int... backendIds) {
        IpAddress a = PacketBuilder.ip(vip);
        ServiceKey header = new ServiceKey(a, port, proto, scope, 0);
        for (int i = 0; i < backendIds.length; i++) {
            lb.services().put(header.withSlot(i + 1), ServiceValue.slot(serviceId, backendIds[i]));
        }
        lb.revNats().put(new RevNatKey(a.family(), serviceId), new RevNatValue(a, port));
        lb.services().put(header, ServiceValue.header(serviceId, backendIds.length, flags));
    }

    /** Runs the tc program {@code program} once on {@code frame}. */
    TestRunResult run(String program, byte[] frame) {
        return object.program(program).testRun(frame, 1);
    }

    /** This CPU-summed datapath counter. */
    long counter(dev.senda.maps.metrics.DatapathEvent event) {
        return new dev.senda.maps.metrics.DatapathCounters(object.map(dev.senda.maps.metrics.DatapathCounters.MAP_NAME))
                .read(event);
    }

    /**
     * Rewrites only the header of a frontend {@link #putService} programmed, as the reconciler does
     * when only the session affinity changes: {@code timeoutSeconds} 0 switches affinity off.
     */
    void setAffinity(String vip, int port, Protocol proto, int serviceId, int count, int timeoutSeconds) {
        lb.services().put(new ServiceKey(PacketBuilder.ip(vip), port, proto, Scope.EXTERNAL, 0),
                ServiceValue.header(serviceId, count, 0, timeoutSeconds));
    }

    /**
     * Restricts a frontend {@link #putService} programmed to sources in {@code ranges} ("a.b.c.d/n",
     * host bits ignored), as the reconciler does: the ranges first, then the header with the
     * load-balancer kind and {@link ServiceValue#FLAG_SOURCE_RANGES}.
     */
    void restrictSources(String vip, int port, Protocol proto, int serviceId, int count, String... ranges) {
        for (String r : ranges) putSourceRange(serviceId, r);
        lb.services().put(new ServiceKey(PacketBuilder.ip(vip), port, proto, Scope.EXTERNAL, 0),
                ServiceValue.header(serviceId, count, ServiceValue.FLAG_LOAD_BALANCER | ServiceValue.FLAG_SOURCE_RANGES));
    }

    /** One source-range entry ("a.b.c.d/n") of service id {@code serviceId}, header untouched. */
    void putSourceRange(int serviceId, String range) {
        int slash = range.indexOf('/');
        lb.sourceRanges().put(SourceRangeKey.of(serviceId, PacketBuilder.ip(range.substring(0, slash)),
                Integer.parseInt(range.substring(slash + 1))), SourceRangeValue.ALLOW);
    }

    /** Deletes every source-range entry. */
    void clearSourceRanges() {
        for (SourceRangeKey k : lb.sourceRanges().entries().keySet()) lb.sourceRanges().delete(k);
    }

    /** The conntrack entry for a tuple, or null. */
    CtValue ct(String saddr, int sport, String daddr, int dport, Protocol proto, CtDirection dir) {
        return conntrack.entries().get(
                new CtKey(PacketBuilder.ip(saddr), PacketBuilder.ip(daddr), sport, dport, proto, dir));
    }

    void putCt(String saddr, int sport, String daddr, int dport, Protocol proto, CtDirection dir, CtValue value) {
        conntrack.put(new CtKey(PacketBuilder.ip(saddr), PacketBuilder.ip(daddr), sport, dport, proto, dir), value);
    }

    int conntrackSize() {
        return conntrack.entries().size();
    }

    @Override
    public void close() {
        object.close();
        cleanup(pinRoot, objectFile, null);
    }

    private static void cleanup(Path pinRoot, Path objectFile, Exception primary) {
        try {
            if (pinRoot != null && Files.isDirectory(pinRoot)) {
                try (Stream<Path> pins = Files.list(pinRoot)) {
                    for (Path pin : pins.toList()) Files.delete(pin);
                }
                Files.delete(pinRoot);
            }
            if (objectFile != null) Files.deleteIfExists(objectFile);
        } catch (IOException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            } else {
                throw new UncheckedIOException("clean up " + pinRoot, e);
            }
        }
    }
}
