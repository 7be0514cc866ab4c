package dev.senda.datapath;

import dev.senda.maps.abi.BtfLayoutCheck;
import dev.senda.maps.features.Capabilities;
import dev.senda.maps.features.KernelFeatures;
import dev.senda.maps.lb.LayoutMigration;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.PriorMaps;
import dev.senda.maps.libbpf.BpfMap;
import dev.senda.maps.libbpf.BpfObject;
import dev.senda.maps.size.MapResize;
import dev.senda.maps.size.MapSizes;
import dev.senda.maps.libbpf.Bpffs;
import dev.senda.maps.libbpf.Libbpf;
import dev.senda.maps.metrics.DatapathCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The loaded datapath of one node: both BPF objects with their maps pinned under the bpffs root, and
 * the attachments the agent asked for.
 *
 * <p>What is loaded and how it attaches follows the kernel's probed {@link KernelFeatures} (see
 * {@link DatapathPlan}): a socket-LB hook the kernel lacks is left out and logged, and tc programs
 * attach through tcx or, without it, clsact. A missing feature is never a failure to start.
 *
 * <p>Every map is pinned by name, so a restarted agent reuses the maps (and the state they hold) of
 * the previous one. Every attachment is a pinned link (on kernels without tcx, a clsact filter of
 * Senda's handle and priority), so it outlives the agent; attaching again updates that link or filter
 * in place to the new program (one atomic swap per hook: never a moment without a program, never two),
 * or leaves it when it runs an identical program. Everything is loaded before anything is swapped, so a
 * program the verifier rejects leaves the running datapath as it was ({@link DatapathLoadException}).
 * Maps of another layout version are migrated around the swap ({@link LayoutMigration}: the first pass
 * in {@link #load}, the second in {@link #finishMigrations()} once the new programs are attached), and
 * lent to the new programs in between ({@link PriorMaps}), so a flow the old programs open on a hook
 * not swapped yet is found by the new ones. A loan a previous agent never ended (it died between the
 * passes) makes its programs differ from this agent's, so they are replaced ({@link Links#sameProgram}).
 * {@link #close()} releases file descriptors only: a loan not ended yet stays, since hooks may still run
 * the other version's programs when an agent stops between the passes.
 */
public final class Datapath implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Datapath.class);

    private final Path bpffsRoot;
    private final BpfObject sockObject;
    private final BpfObject tcObject;
    private final DatapathPlan plan;
    private final LbMaps lbMaps;
    private final DatapathCounters counters;
    private DeviceAttacher podDevices;
    private DeviceAttacher nodeDevices;
    private LayoutMigration.Plan migration = new LayoutMigration.Plan(java.util.List.of());
    /** The other layout version's conntrack maps, lent to the new programs until the second pass. */
    private PriorMaps prior = PriorMaps.none();

    private Datapath(Path bpffsRoot, BpfObject sockObject, BpfObject tcObject, DatapathPlan plan) {
        this.bpffsRoot = bpffsRoot;
        this.sockObject = sockObject;
        this.tcObject = tcObject;
        this.plan = plan;
        this.lbMaps = LbMaps.over(sockObject);
        // One pinned map shared by both objects: either object's handle reads the same counters.
        this.counters = new DatapathCounters(sockObject.map(DatapathCounters.MAP_NAME));
    }

    /**
     * Mounts bpffs if needed, checks the Java layouts against the objects' BTF, and loads both objects
     * with their maps pinned (or reused) under {@code bpffsRoot}: of the socket-LB programs only those
     * whose kernel features {@code features} has. Attaches nothing.
     *
     * @param features this kernel's, from {@link dev.senda.maps.features.FeatureProbe#probe()} (or made up, in tests)
     * @throws IllegalStateException when this process lacks the capabilities the datapath needs
     * @throws dev.senda.maps.libbpf.LibbpfException when libbpf is missing, bpffs cannot be mounted or the
     *         verifier rejects a program (its log is in the agent's log)
     * @throws dev.senda.maps.abi.AbiMismatchException when a Java layout disagrees with the object's BTF
     */
    public static Datapath load(Path bpffsRoot, KernelFeatures features) {
        return load(bpffsRoot, features, Optional.empty());
    }

    /**
     * As {@link #load(Path, KernelFeatures)}, with every sized map at the size {@code sizes} gives (empty:
     * the sizes compiled into the objects). A pinned map of another size is resized with its entries
     * ({@link MapResize}).
     *
     * @throws IllegalArgumentException naming the size flag when a pinned map holds more entries than its
     *                                  new size (nothing is loaded or moved then)
     */
    public static Datapath load(Path bpffsRoot, KernelFeatures features, Optional<MapSizes> sizes) {
        return load(bpffsRoot, features, sizes, Optional.empty());
    }

    /**
     * As {@link #load(Path, KernelFeatures, Optional)}, each object taken from {@code objectDir} when it
     * holds a file of that name ({@code --bpf-object-dir}), else from the agent's own resources.
     *
     * @throws DatapathLoadException when the kernel refuses an object (the verifier rejects a program):
     *         nothing was attached or swapped, maps newly created for the refused object are unpinned
     *         again by libbpf (an object loaded before it keeps its new pins, which nothing running reads:
     *         {@code senda_tc.o}'s, among them the conntrack and NAT maps, when {@code senda_sock.o} is
     *         refused or the features cannot be had), and what ran before keeps running
     */
    public static Datapath load(Path bpffsRoot, KernelFeatures features, Optional<MapSizes> sizes,
                                Optional<Path> objectDir) {
        return load(bpffsRoot, () -> features, sizes, objectDir);
    }

    /**
     * As {@link #load(Path, KernelFeatures, Optional, Optional)}, asking for the kernel's features only once
     * {@code senda_tc.o} is loaded: that object loads the same on every kernel (only its attachment depends
     * on the features), so the agent probes the kernel on another thread meanwhile.
     */
    public static Datapath load(Path bpffsRoot, java.util.function.Supplier<KernelFeatures> features,
                                Optional<MapSizes> sizes, Optional<Path> objectDir) {
        Capabilities.ofThisProcess().requireForDatapath("loading the datapath");
        Libbpf.ensureAvailable();
        Bpffs.ensureMounted(bpffsRoot);
        MapResize.Pending resize = sizes.map(s -> MapResize.prepare(bpffsRoot, s)).orElse(MapResize.Pending.none());
        // a map that keeps its size (too full for its default) is loaded at that size, not the configured one
        java.util.function.Function<String, java.util.OptionalInt> sizeOf = map -> resize.keptSize(map).isPresent()
                ? resize.keptSize(map) : sizes.isEmpty() ? java.util.OptionalInt.empty() : sizes.get().forMap(map);
        BpfObject sock = null;
        BpfObject tc = null;
        // the other layout version's conntrack, offered to senda_tc.o before its load (PriorMaps)
        PriorMaps[] prior = {PriorMaps.none()};
        DatapathPlan plan;
        String loadCosts;
        try {
            long start = System.nanoTime();
            tc = loadObject(DatapathLayout.TC_OBJECT, bpffsRoot, Set.of(), sizeOf, objectDir,
                    opened -> prior[0] = PriorMaps.offer(opened, bpffsRoot));
            long tcLoaded = System.nanoTime();
            plan = DatapathPlan.of(features.get());
            Set<String> leftOut = plan.skippedSocketLb().stream().map(s -> s.program().program())
                    .collect(Collectors.toSet());
            long sockStart = System.nanoTime();
            sock = loadObject(DatapathLayout.SOCK_OBJECT, bpffsRoot, leftOut, sizeOf, objectDir, opened -> { });
            long sockLoaded = System.nanoTime();
            loadCosts = describeLoad(DatapathLayout.TC_OBJECT, tc, Set.of(), tcLoaded - start) + " and "
                    + describeLoad(DatapathLayout.SOCK_OBJECT, sock, leftOut, sockLoaded - sockStart);
        } catch (dev.senda.maps.libbpf.ObjectLoadException e) {
            prior[0].close();
            if (tc != null) tc.close();
            if (sock != null) sock.close();
            resize.rollback();
            throw DatapathLoadException.of(tc == null ? DatapathLayout.TC_OBJECT : DatapathLayout.SOCK_OBJECT, e);
        } catch (RuntimeException | Error e) {
            // an Error too (the probe's, rethrown by features.get()): a resize left half-done would stop
            // every later start
            prior[0].close();
            if (tc != null) tc.close();
            if (sock != null) sock.close();
            resize.rollback();
            throw e;
        }
        try {
            resize.finish(java.util.List.of(sock, tc));
            // Before any hook is swapped: from the first swap to the second pass, flows the other version's
            // programs open on hooks not swapped yet are found by the new ones (PriorMaps).
            prior[0].lend();
            // Flows established under another version keep their backend: carry its conntrack layout over
            // (first pass; the second follows the swap, in finishMigrations).
            java.util.List<BpfMap> maps = new java.util.ArrayList<>(sock.maps());
            maps.addAll(tc.maps());
            LayoutMigration.Plan migration = LayoutMigration.prepare(bpffsRoot, maps);
            Datapath datapath = new Datapath(bpffsRoot, sock, tc, plan);
            datapath.migration = migration;
            datapath.prior = prior[0];
            log.info("loaded {}, maps pinned under {}", loadCosts, bpffsRoot);
            return datapath;
        } catch (RuntimeException e) {
            prior[0].close();
            tc.close();
            sock.close();
            throw e;
        }
    }

    /**
     * What loading {@code object} cost, for the log: its time (extracting and checking the file, then mostly
     * the kernel: creating the maps not pinned yet, verifying each program) and the instructions the verifier
     * processed for the programs loaded. A figure the kernel does not give is shown as "?": the log line
     * never fails a load.
     */
    private static String describeLoad(String name, BpfObject object, Set<String> leftOut, long nanos) {
        String verified;
        try {
            long sum = 0;
            for (var program : object.programs()) {
                if (!leftOut.contains(program.name())) sum += program.verifiedInstructions();
            }
            verified = String.format("%,d", sum);
        } catch (RuntimeException e) {
            verified = "?";
        }
        return String.format("%s in %d ms (%s instructions verified)", name, nanos / 1_000_000, verified);
    }

    /**
     * The {@code max_entries} of the map pinned at {@code pin}, if one is: an object that shares pinned maps
     * without sizing them (the socket iterator's, loaded after the datapath) must declare each at the
     * size it was created with, or libbpf refuses to reuse the pin.
     */
    private static java.util.OptionalInt pinnedSize(Path pin) {
        if (!Files.exists(pin)) return java.util.OptionalInt.empty();
        try (BpfMap pinned = BpfMap.openPinned(pin)) {
            return java.util.OptionalInt.of(pinned.info().maxEntries());
        } catch (RuntimeException e) {
            return java.util.OptionalInt.empty(); // not a map, or gone meanwhile: libbpf reports it at load
        }
    }

    /** Opens, checks and loads one bundled object, leaving the programs named in {@code leftOut} unloaded. */
    static BpfObject loadObject(String name, Path pinRoot, Set<String> leftOut) {
        return loadObject(name, pinRoot, leftOut, map -> java.util.OptionalInt.empty(), Optional.empty(),
                opened -> { });
    }

    /**
     * As {@link #loadObject(String, Path, Set)}, each map of the object at the size {@code sizeOf} gives for
     * its name (none: the pinned map's size, else the compiled one), the object from {@code objectDir} when
     * it holds one of that name; {@code beforeLoad} sees the opened object last before it is loaded.
     */
    static BpfObject loadObject(String name, Path pinRoot, Set<String> leftOut,
                                java.util.function.Function<String, java.util.OptionalInt> sizeOf,
                                Optional<Path> objectDir, java.util.function.Consumer<BpfObject> beforeLoad) {
        Path file = BundledObjects.extract(name, objectDir);
        try {
            BtfLayoutCheck.verify(file);
            BpfObject object = BpfObject.open(file, pinRoot);
            try {
                for (String program : leftOut) object.program(program).setAutoload(false);
                for (BpfMap map : object.maps()) {
                    java.util.OptionalInt size = sizeOf.apply(map.name());
                    if (size.isEmpty()) size = pinnedSize(pinRoot.resolve(map.name()));
                    if (size.isPresent()) map.setMaxEntries(size.getAsInt());
                }
                beforeLoad.accept(object);
                return object.load();
            } catch (RuntimeException e) {
                object.close();
                throw e;
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.debug("cannot delete {}: {}", file, e.toString());
            }
        }
    }

    /** The load-balancer maps, for the reconciler. */
    public LbMaps lbMaps() {
        return lbMaps;
    }

    /** This node's source-NAT address per family (bpf/lib/abi/nat.h), for {@link dev.senda.reconcile.NodeAddressWriter}. */
    public dev.senda.maps.table.TypedMap<dev.senda.maps.nat.NodeAddrKey, dev.senda.net.IpAddress> nodeAddresses() {
        return dev.senda.maps.nat.NatTables.NODE_ADDRESSES.over(tcObject);
    }

    /** Local pods for NetworkPolicy (bpf/lib/abi/policy.h), for {@link dev.senda.reconcile.PolicyReconciler}. */
    public dev.senda.maps.table.TypedMap<dev.senda.maps.policy.PolicyEndpointKey, dev.senda.maps.policy.PolicyEndpointValue>
            policyEndpoints() {
        return dev.senda.maps.policy.PolicyTables.ENDPOINTS.over(tcObject);
    }

    /** NetworkPolicy rules per pod, direction and peer prefix, for {@link dev.senda.reconcile.PolicyReconciler}. */
    public dev.senda.maps.table.TypedMap<dev.senda.maps.policy.PolicyRuleKey, dev.senda.maps.policy.PolicyRuleValue>
            policyRules() {
        return dev.senda.maps.policy.PolicyTables.RULES.over(tcObject);
    }

    /**
     * Tells the datapath what to do with a pod address that has no policy endpoint entry yet: drop its
     * packets ({@code --policy-pending=deny}) or let them through (counted either way). Writes only
     * when the (pinned) map holds another setting: a restarted agent writes nothing here.
     */
    public void setPolicyPending(boolean deny) {
        var config = dev.senda.maps.table.KernelTypedMap.over(tcObject.map(dev.senda.maps.abi.Codecs.POLCFG_MAP.mapName()),
                dev.senda.maps.abi.Codecs.POLCFG_MAP);
        var wanted = new dev.senda.maps.policy.PolicyConfig(deny);
        if (!wanted.equals(config.entries().get(0))) config.put(0, wanted);
    }

    /** The NetworkPolicy verdict counters, for the metrics exporter. */
    public dev.senda.maps.policy.PolicyCounters policyCounters() {
        return new dev.senda.maps.policy.PolicyCounters(tcObject.map(dev.senda.maps.policy.PolicyCounters.MAP_NAME));
    }

    /**
     * The datapath's LRU maps (conntrack, NAT, policy conntrack, affinity, socket-LB flows), by name,
     * from both objects (which share them through their pins), for counting their entries. Closing
     * the datapath closes them.
     */
    public Map<String, BpfMap> lruMaps() {
        Map<String, BpfMap> out = new java.util.TreeMap<>();
        for (BpfObject o : List.of(sockObject, tcObject)) {
            for (BpfMap m : o.maps()) {
                if (m.info().type() == BpfMap.BPF_MAP_TYPE_LRU_HASH) out.putIfAbsent(m.name(), m);
            }
        }
        return out;
    }

    /**
     * {@code max_entries} of every map a size setting covers, as loaded (a map too full for its default
     * keeps its own size), by name: the capacities the metrics export.
     */
    public Map<String, Integer> sizedMapCapacities() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (BpfObject o : List.of(sockObject, tcObject)) {
            for (BpfMap m : o.maps()) {
                if (MapSizes.settingOf(m.name()).isPresent()) out.putIfAbsent(m.name(), m.info().maxEntries());
            }
        }
        return out;
    }

    /** The datapath's event counters, for the metrics exporter. */
    public DatapathCounters counters() {
        return counters;
    }

    /**
     * Attaches (or re-attaches) the socket-LB programs to {@code cgroupRoot} through pinned links: those
     * this kernel runs; each one left out is logged with what the kernel lacks.
     */
    public void attachSocketLb(Path cgroupRoot) {
        if (!Files.isDirectory(cgroupRoot)) {
            throw new IllegalArgumentException("--cgroup-root " + cgroupRoot + " is not a directory");
        }
        for (DatapathPlan.Skipped s : plan.skippedSocketLb()) {
            log.warn("socket LB without {} ({}): this kernel lacks {}", s.program().hook(), s.program().program(),
                    s.reason());
        }
        if (plan.socketLb().isEmpty()) {
            log.warn("socket LB is off: this kernel runs none of its hooks; Services work only through per-packet LB");
            return;
        }
        java.util.Set<Links.Swap> swaps = java.util.EnumSet.noneOf(Links.Swap.class);
        long cgroupId = cgroupId(cgroupRoot);
        for (DatapathLayout.CgroupProgram p : plan.socketLb()) {
            var program = sockObject.program(p.program());
            swaps.add(Links.replacePinned(DatapathLayout.cgroupLinkPin(bpffsRoot, p), program,
                    link -> link.cgroupId() == cgroupId, () -> Links.attachCgroup(program, cgroupRoot, p.hook())));
        }
        log.info("socket LB on cgroup {}: {}", cgroupRoot, Links.describe(swaps));
    }

    /** A cgroup v2 directory's id, as links report it: its inode number. */
    private static long cgroupId(Path cgroupDir) {
        try {
            return ((Number) Files.getAttribute(cgroupDir, "unix:ino")).longValue();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot stat " + cgroupDir, e);
        }
    }

    /**
     * The second pass of the layout migrations {@link #load} began, once the new programs are attached
     * (call it after every attach): copies what the old programs created meanwhile and removes the
     * other versions' pins. Logs what it did; does nothing when no map changed layout.
     */
    public void finishMigrations() {
        warnOfDevicesLeftBehind();
        if (!migration.isEmpty()) {
            for (String line : migration.finish()) log.info("migrated {}", line);
            migration = new LayoutMigration.Plan(java.util.List.of());
        }
        // every entry of the other maps is copied, no hook writes them any more: the loans end
        prior.end();
        prior = PriorMaps.none();
    }

    /**
     * The second pass and the end of the loans assume every hook runs the new programs. A device whose
     * attach failed still runs the old ones until DeviceAttacher's retry: the flows they open meanwhile
     * go to the old map, which neither the second pass (already run) nor the loan (ended) brings over,
     * so such a flow's next packet on a new hook is balanced afresh. Not prevented (waiting for a device
     * that may never accept would hold the migration forever), only said.
     */
    private void warnOfDevicesLeftBehind() {
        if (migration.isEmpty() && prior.isEmpty()) return;
        java.util.Set<String> behind = new java.util.TreeSet<>();
        for (DeviceAttacher a : java.util.Arrays.asList(podDevices, nodeDevices)) {
            if (a != null) behind.addAll(a.failedDevices());
        }
        if (!behind.isEmpty()) {
            log.warn("the conntrack migration ends while {} may still run the previous datapath (attach failed, "
                    + "retried later): flows opened there until then are re-balanced on the new programs", behind);
        }
    }

    /** Removes socket-LB attachments a previous agent left (when this one runs without socket LB). */
    public void detachSocketLb() {
        for (DatapathLayout.CgroupProgram p : DatapathLayout.SOCKET_LB_PROGRAMS) {
            if (Links.unpin(DatapathLayout.cgroupLinkPin(bpffsRoot, p))) {
                log.info("detached {} left by a previous agent", p.program());
            }
        }
    }

    /**
     * Attaches per-packet LB to every interface matching {@code glob}, now and as they appear, through
     * tcx or, on kernels without it, clsact; with no glob, removes tc attachments a previous agent left.
     */
    public void attachPodDevices(Optional<String> glob) {
        if (podDevices != null) podDevices.close();
        podDevices = attachDevices(DatapathLayout.POD_DEVICES, glob);
    }

    /**
     * Attaches per-packet LB for traffic from outside (NodePort, LoadBalancer, external IPs) at ingress
     * of every node interface matching {@code glob}, now and as they appear; with no glob, removes such
     * attachments a previous agent left. Needed in both datapath modes: socket LB never sees packets
     * that arrive from another host.
     */
    public void attachNodeDevices(Optional<String> glob) {
        if (nodeDevices != null) nodeDevices.close();
        nodeDevices = attachDevices(DatapathLayout.NODE_DEVICES, glob);
    }

    private DeviceAttacher attachDevices(DatapathLayout.DeviceKind kind, Optional<String> glob) {
        if (glob.isPresent()) {
            switch (plan.tcMode()) {
                case TCX -> { }
                case CLSACT -> log.info("per-packet LB ({}) attaches through clsact: {}", kind.flag(), plan.tcReason());
                case NONE -> log.warn("per-packet LB is off, {} ignored: {}", kind.flag(), plan.tcReason());
            }
        }
        DeviceAttacher attacher = new DeviceAttacher(bpffsRoot, kind, kind.hooks().stream()
                .map(h -> tcObject.program(h.program())).toList(), plan.tcMode(), glob);
        attacher.start();
        return attacher;
    }

    @Override
    public void close() {
        prior.close(); // the fds only (class doc)
        if (podDevices != null) podDevices.close();
        if (nodeDevices != null) nodeDevices.close();
        lbMaps.close();
        tcObject.close();
        sockObject.close();
    }
}
