package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.EndpointState;
import dev.senda.desired.Frontend;
import dev.senda.desired.LbChanges;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SourceRangeKey;
import dev.senda.maps.lb.SourceRangeValue;
import dev.senda.net.IpFamily;
import dev.senda.reconcile.table.AppliedTable;
import dev.senda.reconcile.table.Step;
import dev.senda.reconcile.table.PhasedWriter;
import dev.senda.reconcile.table.WriteMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies a desired {@link LbState} to the {@link LbMaps}, both families, writing only what differs
 * from what the maps hold, in the order {@link LbWriteOrder} declares.
 *
 * <h2>Ids</h2>
 * A frontend gets a service id (its header's {@code service_id}, the reverse-NAT key) that stays
 * the same while the frontend exists. A {@link BackendAddress} gets one backend id shared by every
 * frontend using it. Both id spaces are shared by the two families (an id lives in one family's map).
 * Ids come from {@link IdAllocator} (round-robin from 1: a freed id is reused last).
 *
 * <h2>Headers</h2>
 * A frontend's header carries its backend count and, for session affinity, the affinity flag and the
 * timeout ({@link LbEncoding#header}). A change of affinity alone changes the header alone: it is the
 * only entry written, so switching affinity on or off never touches the slots traffic is using.
 * A frontend with source ranges has one source-range entry per range under its service id and the
 * header flag that makes the datapath read them ({@link LbWriteOrder} orders the two).
 *
 * <h2>Failures and pruning</h2>
 * See {@link PhasedWriter} and {@link LbWriteOrder}: a failed write abandons its frontend only (a
 * failed backend write the frontends that point at it), leaving what the maps held for it as it was;
 * entries nothing desires (a frontend that went away, a backend no longer referenced, leftovers found
 * by {@link #restore()}) are deleted whenever {@code pruneAllowed} (until every source has synced,
 * "not desired" may only mean "not seen yet"), whether or not other writes fail, and before the
 * additions: deleting Services frees room in a full map at once. {@link ApplyResult#unprogrammed()}
 * names the desired frontends the maps do not hold; the next apply retries exactly those.
 *
 * <p>Thread-safe by confinement plus {@code synchronized}: meant to be driven by one sync thread.
 */
public final class LbReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(LbReconciler.class);

    /**
     * Largest service id handed out. Ids are {@code __u32} in the maps and unrelated to a map's size
     * (how many fit is the map's {@code max_entries}, a setting): the space is only kept far larger
     * than any map, so that round-robin keeps a freed id out of use for long.
     */
    public static final int MAX_SERVICE_ID = (1 << 24) - 1;
    /** Largest backend id handed out; as {@link #MAX_SERVICE_ID}. */
    public static final int MAX_BACKEND_ID = (1 << 24) - 1;

    private final AppliedTable<ServiceKey, ServiceValue> services;
    private final AppliedTable<BackendKey, BackendValue> backends;
    private final AppliedTable<RevNatKey, RevNatValue> revNats;
    private final AppliedTable<SourceRangeKey, SourceRangeValue> sourceRanges;
    private final LbSummary summary;
    private final List<Step> writeOrder;
    /** The service ids of the desired frontends of the apply under way (read by the write order). */
    private Set<Integer> desiredServiceIds = Set.of();
    /** Backend ids the applied slots point at, as of {@link #referencedAt} (the services mirror's version). */
    private Set<Integer> referencedBackendIds = Set.of();
    private long referencedAt = -1;
    private volatile Map<String, Integer> entriesPerMap = Map.of();
    private final IdAllocator serviceIdAllocator = new IdAllocator("service id", MAX_SERVICE_ID);
    private final IdAllocator backendIdAllocator = new IdAllocator("backend id", MAX_BACKEND_ID);
    /** Not final: a cold plan replaces them, empty, by tables of the desired state's size ({@link #plan}). */
    private Map<Frontend, Integer> serviceIds = new HashMap<>();
    private Map<BackendAddress, Integer> backendIds = new HashMap<>();

    // ---- incremental state: valid while an apply with pruning and no failure was the last one ----
    /** Whether {@link #applyChanges} may run: see {@link #canApplyChanges()}. */
    private boolean incrementalReady;
    /** The frontends of the last applied desired state, as applied. */
    private final Map<Frontend, DesiredFrontend> appliedFrontends = new HashMap<>();
    /** Desired references to each backend id by the applied frontends. */
    private BackendRefs desiredRefs = new BackendRefs();
    /** Service slots in the maps pointing at each backend id (null: to be counted from the mirror). */
    private Map<Integer, Integer> slotRefs;
    /** During an incremental apply: the slot keys it looks at, and the backend id each held before. */
    private Map<ServiceKey, Integer> scopeSlotsBefore;
    private List<ServiceKey> scopeSlotKeys;
    private Map<Integer, Integer> scopeSlotDelta;
    private long scopeDeltaAt = -1;
    /** Frontends programmed per Service ("namespace/name"), for {@link ApplyResult#services()}. */
    private final Map<String, Integer> frontendsPerService = new HashMap<>();

    /**
     * A reconciler that assumes the maps are empty until {@link #restore()} is called. Call
     * {@code restore()} once before the first apply whenever the maps may already hold entries
     * (pinned maps surviving an agent restart).
     */
    public LbReconciler(LbMaps maps) {
        Objects.requireNonNull(maps, "maps");
        this.services = new AppliedTable<>(maps.services());
        this.backends = new AppliedTable<>(maps.backends());
        this.revNats = new AppliedTable<>(maps.revNats());
        this.sourceRanges = new AppliedTable<>(maps.sourceRanges());
        this.summary = new LbSummary(services, backends, revNats, sourceRanges);
        this.writeOrder = LbWriteOrder.phases(services, backends, revNats, sourceRanges,
                id -> desiredServiceIds.contains(id), this::slotPointsAt);
    }

    /**
     * How the maps are written: {@link WriteMode#BATCHED} (the default: runs of writes to one map as
     * {@code BPF_MAP_*_BATCH} syscalls) or {@link WriteMode#SINGLE} (one syscall per write). The outcome
     * is the same, write for write; benchmarks compare the two.
     */
    public synchronized void writeMode(WriteMode mode) {
        services.writeMode(mode);
        backends.writeMode(mode);
        revNats.writeMode(mode);
        sourceRanges.writeMode(mode);
    }

    /** Whether a slot in the maps points at a backend id; recomputed only after the slots changed. */
    private boolean slotPointsAt(int backendId) {
        if (scopeSlotsBefore != null) return slotRefs.getOrDefault(backendId, 0) + scopeDelta().getOrDefault(backendId, 0) > 0;
        if (referencedAt != services.version()) {
            Set<Integer> ids = new HashSet<>();
            services.applied().forEach((k, v) -> {
                if (k.slot() > 0) ids.add(v.backendId());
            });
            referencedBackendIds = ids;
            referencedAt = services.version();
        }
        return referencedBackendIds.contains(backendId);
    }

    /**
     * Rebuilds the id tables and the applied view from what the maps hold, so that applying the
     * same desired state as before the restart writes nothing. Frontends keep the service id of
     * their header (or, without a header, of their first slot); a backend address keeps the lowest
     * id holding it. Entries that cannot be attributed stay in the view as stale and are removed by
     * the first apply with pruning allowed. May be called again later to pick up changes made
     * behind the reconciler's back.
     */
    public synchronized RestoreResult restore() {
        incrementalReady = false;
        slotRefs = null;
        services.reload();
        backends.reload();
        revNats.reload();
        sourceRanges.reload();
        serviceIds.clear();
        backendIds.clear();
        // One pass over the service entries (every walk of 100,000s of them costs a restart tens of
        // milliseconds on a cold JVM): each frontend's first entry, the ids they mention, the headers.
        // A frontend's id is its header's, or its lowest slot's without one.
        record FirstEntry(int slot, int serviceId) {
        }
        Map<ServiceKey, FirstEntry> firstEntries = new HashMap<>();
        java.util.BitSet referencedServices = new java.util.BitSet();
        java.util.BitSet referencedBackends = new java.util.BitSet();
        int[] headers = {0};
        services.forEachApplied((k, v) -> {
            setIfHandedOut(referencedServices, v.serviceId(), MAX_SERVICE_ID);
            if (k.slot() == 0) {
                headers[0]++;
                firstEntries.put(k, new FirstEntry(0, v.serviceId())); // a header wins over any slot
                return;
            }
            setIfHandedOut(referencedBackends, v.backendId(), MAX_BACKEND_ID);
            ServiceKey header = k.withSlot(0);
            FirstEntry first = firstEntries.get(header);
            if (first == null || first.slot() > k.slot()) firstEntries.put(header, new FirstEntry(k.slot(), v.serviceId()));
        });
        // frontends in key order, so that when two claim one id the same one wins every time
        ServiceKey[] frontendKeys = firstEntries.keySet().toArray(ServiceKey[]::new);
        java.util.Arrays.sort(frontendKeys);
        java.util.BitSet claimedServiceIds = new java.util.BitSet();
        for (ServiceKey key : frontendKeys) {
            int id = firstEntries.get(key).serviceId();
            Frontend frontend = LbEncoding.frontend(key);
            if (frontend != null && id >= 1 && id <= MAX_SERVICE_ID && !claimedServiceIds.get(id)) {
                claimedServiceIds.set(id);
                serviceIds.put(frontend, id);
            }
        }
        revNats.forEachApplied((k, v) -> setIfHandedOut(referencedServices, k.serviceId(), MAX_SERVICE_ID));
        sourceRanges.forEachApplied((k, v) -> setIfHandedOut(referencedServices, k.serviceId(), MAX_SERVICE_ID));
        // an address keeps the lowest id holding it
        backends.forEachApplied((key, value) -> {
            setIfHandedOut(referencedBackends, key.id(), MAX_BACKEND_ID);
            BackendAddress address = LbEncoding.backendAddress(value);
            if (key.id() < 1 || key.id() > MAX_BACKEND_ID || address == null) return;
            backendIds.merge(address, key.id(), (a, b) -> Integer.compareUnsigned(a, b) <= 0 ? a : b);
        });
        // as referencedServiceIds() and referencedBackendIds() would give, gathered in the passes above
        serviceIdAllocator.resetForRestore(union(serviceIds.values(), referencedServices));
        backendIdAllocator.resetForRestore(union(backendIds.values(), referencedBackends));
        RestoreResult result = new RestoreResult(headers[0], backends.applied().size(), services.applied().size(),
                revNats.applied().size());
        LOG.info("restored LB state from maps: {}", result);
        return result;
    }

    /**
     * Makes the maps hold {@code desired}, writing only the difference from the last applied view.
     *
     * @param pruneAllowed whether entries that nothing desires may be deleted (false until every
     *                     source has delivered its initial state)
     */
    public synchronized ApplyResult apply(LbState desired, boolean pruneAllowed) {
        Objects.requireNonNull(desired, "desired");
        List<String> errors = new ArrayList<>();
        int[] planFailures = {0};
        LbTarget target = plan(desired, line -> {
            if (planFailures[0]++ < PhasedWriter.KEPT_ERRORS) errors.add(line);
        });
        PhasedWriter.Outcome outcome;
        try {
            desiredServiceIds = new HashSet<>(target.revNats().keySet().stream().map(RevNatKey::serviceId).toList());
            outcome = PhasedWriter.apply(writeOrder, new PhasedWriter.Desired()
                    .with(services, target.services())
                    .with(backends, target.backends())
                    .with(revNats, target.revNats())
                    .with(sourceRanges, target.sourceRanges()), pruneAllowed);
        } finally {
            desiredServiceIds = Set.of();
            releaseUnusedIds(target);
        }
        for (String line : outcome.errors()) {
            if (errors.size() < PhasedWriter.KEPT_ERRORS) errors.add(line);
        }
        ApplyResult result = countedPerMap(desired,
                summary.summarize(desired, target, outcome.writes(), planFailures[0] + outcome.failures(), errors));
        rememberFull(target, pruneAllowed && result.failures() == 0 && result.staleKept() == 0);
        return result;
    }

    // ---- incremental apply ----

    /**
     * Whether {@link #applyChanges} may be used: the last apply was a full one or an incremental one,
     * pruned, and left the maps exactly as desired (no failed write, no stale entry kept), and no
     * {@link #restore()} came since. Otherwise the next apply must be {@link #apply full}: it repairs
     * what the maps lack and rebuilds the incremental bookkeeping.
     */
    public synchronized boolean canApplyChanges() {
        return incrementalReady;
    }

    /**
     * Applies {@code changes} to the desired state of the last apply, looking only at the entries of
     * the frontends they name: their headers, slots, reverse NAT and source ranges, and the backends
     * those point or pointed at. Equivalent to a full {@link #apply} (with pruning) of the changed
     * desired state: the same writes, in the same order, so the maps end up identical, ids included.
     * A backend is deleted only when no desired frontend references it and no slot in the maps points
     * at it (counts kept per backend id). Cost: proportional to the changed frontends and their backends.
     *
     * @throws IllegalStateException unless {@link #canApplyChanges()}
     */
    public synchronized ApplyResult applyChanges(LbChanges changes) {
        Objects.requireNonNull(changes, "changes");
        if (!incrementalReady) throw new IllegalStateException("an incremental apply needs a complete full apply first");
        incrementalReady = false; // until this one succeeds completely
        if (slotRefs == null) slotRefs = countSlotRefs();
        Map<ServiceKey, ServiceValue> svc = new HashMap<>();
        Map<BackendKey, BackendValue> be = new HashMap<>();
        Map<RevNatKey, RevNatValue> rn = new HashMap<>();
        Map<SourceRangeKey, SourceRangeValue> sr = new HashMap<>();
        Set<ServiceKey> svcScope = new HashSet<>();
        Set<BackendKey> beScope = new HashSet<>();
        Set<RevNatKey> rnScope = new HashSet<>();
        Set<SourceRangeKey> srScope = new HashSet<>();
        Map<Integer, BackendAddress> scopeBackends = new HashMap<>();
        // what the changed frontends held: its keys are looked at, its backend references go
        List<Frontend> touched = new ArrayList<>(changes.removed());
        touched.addAll(changes.upserted().keySet());
        for (Frontend f : touched) {
            DesiredFrontend old = appliedFrontends.remove(f);
            Integer id = serviceIds.get(f);
            if (old == null || id == null) continue;
            ServiceKey header = LbEncoding.headerKey(f);
            svcScope.add(header);
            for (int slot = 1; slot <= old.backends().size(); slot++) svcScope.add(header.withSlot(slot));
            rnScope.add(new RevNatKey(f.address().family(), id));
            srScope.addAll(LbEncoding.sourceRanges(id, old));
            for (DesiredBackend b : old.backends()) {
                int bid = backendIds.get(b.address());
                desiredRefs.remove(bid, b.state());
                scopeBackends.put(bid, b.address());
            }
            countService(old, -1);
        }
        List<String> errors = new ArrayList<>();
        int planFailures = 0;
        Set<Integer> desiredIds = new HashSet<>();
        Map<Frontend, DesiredFrontend> planned = new HashMap<>();
        for (DesiredFrontend df : changes.upserted().values()) {
            try {
                Encoded e = encode(df, svc, rn, sr, (b, backendId) -> {
                    desiredRefs.add(backendId, b.state());
                    scopeBackends.put(backendId, b.address());
                });
                for (int i = 0; i <= e.slots(); i++) svcScope.add(e.header().withSlot(i));
                rnScope.add(e.revNat());
                srScope.addAll(e.sourceRanges());
                desiredIds.add(e.serviceId());
                planned.put(df.frontend(), df);
                appliedFrontends.put(df.frontend(), df);
                countService(df, 1);
            } catch (IdAllocator.IdsExhaustedException e) {
                if (planFailures++ < PhasedWriter.KEPT_ERRORS) {
                    errors.add(df.servicePort() + " (" + df.frontend() + ") not programmed: " + e.getMessage());
                }
            }
        }
        for (Map.Entry<Integer, BackendAddress> e : scopeBackends.entrySet()) {
            BackendKey key = new BackendKey(e.getValue().address().family(), e.getKey());
            beScope.add(key);
            EndpointState state = desiredRefs.state(e.getKey());
            if (state != null) be.put(key, LbEncoding.backendValue(new DesiredBackend(e.getValue(), state)));
        }
        Map<String, Integer> before = new HashMap<>();
        summary.countPresent(before, svcScope, beScope, rnScope, srScope);
        scopeSlotsBefore = new HashMap<>();
        scopeSlotKeys = new ArrayList<>();
        for (ServiceKey k : svcScope) {
            if (k.slot() == 0) continue;
            scopeSlotKeys.add(k);
            ServiceValue v = services.get(k);
            if (v != null) scopeSlotsBefore.put(k, v.backendId());
        }
        scopeDeltaAt = -1;
        PhasedWriter.Outcome outcome;
        try {
            desiredServiceIds = desiredIds;
            outcome = PhasedWriter.apply(writeOrder, new PhasedWriter.Desired()
                    .with(services, svc, svcScope)
                    .with(backends, be, beScope)
                    .with(revNats, rn, rnScope)
                    .with(sourceRanges, sr, srScope), true);
            // a count that reaches 0 goes (merge removes the key when the function answers null)
            scopeDelta().forEach((id, d) -> {
                if (d != 0) slotRefs.merge(id, d, (a, b) -> a + b == 0 ? null : a + b);
            });
        } finally {
            desiredServiceIds = Set.of();
            scopeSlotsBefore = null;
            scopeSlotDelta = null;
            scopeSlotKeys = null;
        }
        for (String line : outcome.errors()) {
            if (errors.size() < PhasedWriter.KEPT_ERRORS) errors.add(line);
        }
        int failures = planFailures + outcome.failures();
        Map<String, Integer> after = new HashMap<>();
        summary.countPresent(after, svcScope, beScope, rnScope, srScope);
        Map<String, Integer> perMap = new TreeMap<>(entriesPerMap);
        after.forEach((m, n) -> perMap.merge(m, n, Integer::sum));
        before.forEach((m, n) -> perMap.merge(m, -n, Integer::sum));
        entriesPerMap = java.util.Collections.unmodifiableMap(perMap);
        if (failures == 0) {
            releaseAfterChanges(changes, scopeBackends);
            incrementalReady = true;
        }
        // After a failure the next apply is a full one: it names what is missing and frees unused ids.
        int unprogrammedCount = 0;
        List<String> first = new ArrayList<>();
        for (DesiredFrontend df : changes.upserted().values()) {
            if (failures == 0 || programmedAsPlanned(df, svc, rn, sr)) continue;
            if (unprogrammedCount++ < ApplyResult.Unprogrammed.NAMED) first.add(df.servicePort() + " (" + df.frontend() + ")");
        }
        return new ApplyResult(outcome.writes(), frontendsPerService.size(), appliedFrontends.size(),
                desiredRefs.size(), 0, failures, errors, unprogrammedCount == 0 ? ApplyResult.Unprogrammed.NONE
                : new ApplyResult.Unprogrammed(unprogrammedCount, first));
    }

    /** Whether the maps hold what was planned for {@code df} (after a failed incremental apply). */
    private boolean programmedAsPlanned(DesiredFrontend df, Map<ServiceKey, ServiceValue> svc,
                                        Map<RevNatKey, RevNatValue> rn, Map<SourceRangeKey, SourceRangeValue> sr) {
        ServiceKey header = LbEncoding.headerKey(df.frontend());
        ServiceValue wanted = svc.get(header);
        if (wanted == null || !wanted.equals(services.get(header))) return false;
        for (int slot = 1; slot <= wanted.count(); slot++) {
            if (!svc.get(header.withSlot(slot)).equals(services.get(header.withSlot(slot)))) return false;
        }
        RevNatKey revNat = new RevNatKey(df.frontend().address().family(), wanted.serviceId());
        if (!rn.get(revNat).equals(revNats.get(revNat))) return false;
        for (SourceRangeKey k : LbEncoding.sourceRanges(wanted.serviceId(), df)) {
            if (!sr.get(k).equals(sourceRanges.get(k))) return false;
        }
        return true;
    }

    /** Frees the ids of removed frontends and of backends nothing references any more. */
    private void releaseAfterChanges(LbChanges changes, Map<Integer, BackendAddress> scopeBackends) {
        for (Frontend f : changes.removed()) {
            Integer id = serviceIds.remove(f);
            if (id != null) serviceIdAllocator.release(id);
        }
        scopeBackends.forEach((id, address) -> {
            if (desiredRefs.state(id) != null || slotRefs.getOrDefault(id, 0) > 0) return;
            if (backends.get(new BackendKey(address.address().family(), id)) != null) return;
            backendIds.remove(address, id);
            backendIdAllocator.release(id);
        });
    }

    /** The change of slot references made so far in this incremental apply, by backend id. */
    private Map<Integer, Integer> scopeDelta() {
        if (scopeDeltaAt == services.version() && scopeSlotDelta != null) return scopeSlotDelta;
        Map<Integer, Integer> delta = new HashMap<>();
        scopeSlotsBefore.values().forEach(id -> delta.merge(id, -1, Integer::sum));
        scopeSlotKeys.forEach(k -> {
            ServiceValue v = services.get(k);
            if (v != null) delta.merge(v.backendId(), 1, Integer::sum);
        });
        scopeSlotDelta = delta;
        scopeDeltaAt = services.version();
        return delta;
    }

    /** Slot references counted over the whole mirror. */
    private Map<Integer, Integer> countSlotRefs() {
        Map<Integer, Integer> refs = new HashMap<>();
        services.applied().forEach((k, v) -> {
            if (k.slot() > 0) refs.merge(v.backendId(), 1, Integer::sum);
        });
        return refs;
    }

    private void countService(DesiredFrontend df, int delta) {
        String name = df.servicePort().namespace() + "/" + df.servicePort().name();
        Integer n = frontendsPerService.merge(name, delta, Integer::sum);
        if (n != null && n == 0) frontendsPerService.remove(name);
    }

    /** After a full apply: the bookkeeping an incremental apply continues from. */
    private void rememberFull(LbTarget target, boolean exact) {
        appliedFrontends.clear();
        desiredRefs.clear();
        frontendsPerService.clear();
        slotRefs = null;
        incrementalReady = false;
        if (!exact) return;
        appliedFrontends.putAll(target.frontends());
        desiredRefs = target.refs(); // counted while planning
        for (DesiredFrontend df : target.frontends().values()) {
            countService(df, 1);
        }
        incrementalReady = true;
    }

    /**
     * Entries each reconciled map holds after the last apply, by map name ({@code senda_svc4_v1}, ...):
     * counted from the reconciler's mirror, which equals the maps (it changes only with writes that
     * succeeded), so reading it costs no walk of the kernel maps. Safe from any thread.
     */
    public Map<String, Integer> entriesPerMap() {
        return entriesPerMap;
    }

    /** The service id of a frontend, if it has one. */
    public synchronized OptionalInt serviceId(Frontend frontend) {
        Integer id = serviceIds.get(frontend);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The backend id of an address, if it has one. */
    public synchronized OptionalInt backendId(BackendAddress backend) {
        Integer id = backendIds.get(backend);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** How many ids the allocators hold as in use: service ids, then backend ids (for tests of their release). */
    synchronized List<Integer> idsInUse() {
        return List.of(serviceIdAllocator.size(), backendIdAllocator.size());
    }

    /** How many service slots in the maps point at this backend (0 when it has no id). */
    public synchronized int backendReferences(BackendAddress backend) {
        Integer id = backendIds.get(backend);
        if (id == null) return 0;
        int refs = 0;
        for (Map.Entry<ServiceKey, ServiceValue> e : services.applied().entrySet()) {
            if (e.getKey().slot() > 0 && e.getKey().family() == backend.address().family()
                    && e.getValue().backendId() == id) {
                refs++;
            }
        }
        return refs;
    }

    // ---- planning: desired state -> the entries every table should hold ----

    private LbTarget plan(LbState desired, java.util.function.Consumer<String> errors) {
        // Sized up front: growing maps of 100,000s of entries costs a copy at every doubling. Linked:
        // filled in frontend order, which is the key order of service entries and, at a cold start (ids
        // handed out in that order), of reverse-NAT, source-range and backend entries too, so the
        // writer's sort of each phase's writes by key finds them (nearly) in order: about one pass.
        int frontends = desired.frontends().size();
        int slots = 0;
        for (DesiredFrontend df : desired.frontends().values()) slots += df.backends().size();
        Map<ServiceKey, ServiceValue> svc = LinkedHashMap.newLinkedHashMap(frontends + slots);
        Map<BackendKey, BackendValue> be = LinkedHashMap.newLinkedHashMap(slots);
        Map<RevNatKey, RevNatValue> rn = LinkedHashMap.newLinkedHashMap(frontends);
        Map<SourceRangeKey, SourceRangeValue> sr = new LinkedHashMap<>();
        Map<Frontend, DesiredFrontend> planned = HashMap.newHashMap(frontends);
        BackendRefs refs = new BackendRefs(slots);
        // A cold start hands out every id now: tables made at their size (the slots bound the backends)
        // instead of rehashing 100,000s of ids through a dozen doublings.
        if (serviceIds.isEmpty()) serviceIds = HashMap.newHashMap(frontends);
        if (backendIds.isEmpty()) backendIds = HashMap.newHashMap(slots);
        for (DesiredFrontend df : desired.frontends().values()) {
            IpFamily family = df.frontend().address().family();
            try {
                encode(df, svc, rn, sr, (b, backendId) -> {
                    be.merge(new BackendKey(family, backendId), LbEncoding.backendValue(b), LbReconciler::preferActive);
                    refs.add(backendId, b.state());
                });
                planned.put(df.frontend(), df);
            } catch (IdAllocator.IdsExhaustedException e) {
                // Skip this frontend; every other one is still programmed.
                errors.accept(df.servicePort() + " (" + df.frontend() + ") not programmed: " + e.getMessage());
            }
        }
        return new LbTarget(svc, be, rn, sr, planned, refs);
    }

    /** What {@link #encode} put for one frontend: its ids and keys, for an incremental apply's scope. */
    private record Encoded(int serviceId, ServiceKey header, int slots, RevNatKey revNat,
                           List<SourceRangeKey> sourceRanges) {
    }

    /**
     * Puts one frontend's entries (ids allocated as needed): its slots and header into {@code svc}, its
     * reverse NAT into {@code rn}, its source ranges into {@code sr}; each backend with its id goes to
     * {@code backendUse} (the backend entry is shared between frontends: the caller decides how it
     * is written). The one place a desired frontend becomes map entries, for full and incremental applies.
     *
     * @throws IdAllocator.IdsExhaustedException when no id is left (then nothing of it was put)
     */
    private Encoded encode(DesiredFrontend df, Map<ServiceKey, ServiceValue> svc, Map<RevNatKey, RevNatValue> rn,
                           Map<SourceRangeKey, SourceRangeValue> sr,
                           java.util.function.ObjIntConsumer<DesiredBackend> backendUse) {
        Frontend f = df.frontend();
        int serviceId = serviceIds.computeIfAbsent(f, k -> serviceIdAllocator.allocate());
        List<DesiredBackend> backends = df.backends();
        int[] backendIdsOf = new int[backends.size()];
        for (int i = 0; i < backendIdsOf.length; i++) {
            backendIdsOf[i] = backendIds.computeIfAbsent(backends.get(i).address(), k -> backendIdAllocator.allocate());
        }
        // Every id is allocated before anything is put, so a frontend is put whole or not at all.
        ServiceKey header = LbEncoding.headerKey(f);
        for (int i = 0; i < backendIdsOf.length; i++) {
            svc.put(header.withSlot(i + 1), ServiceValue.slot(serviceId, backendIdsOf[i]));
            backendUse.accept(backends.get(i), backendIdsOf[i]);
        }
        svc.put(header, LbEncoding.header(serviceId, backendIdsOf.length, df));
        RevNatKey revNat = new RevNatKey(f.address().family(), serviceId);
        rn.put(revNat, new RevNatValue(f.address(), f.port()));
        List<SourceRangeKey> ranges = LbEncoding.sourceRanges(serviceId, df);
        for (SourceRangeKey k : ranges) sr.put(k, SourceRangeValue.ALLOW);
        return new Encoded(serviceId, header, backendIdsOf.length, revNat, ranges);
    }

    /**
     * One address may back several Services with different conditions (ready in one slice,
     * terminating in another); the backend entry is shared, so it says ACTIVE if any frontend
     * uses it as an active backend.
     */
    private static BackendValue preferActive(BackendValue a, BackendValue b) {
        return a.state() == BackendState.ACTIVE ? a : b;
    }

    // ---- bookkeeping ----

    /**
     * Every service id the maps mention: in headers, in slots, as reverse-NAT and source-range keys
     * (an id is not handed to a new frontend while old entries of it remain).
     */
    private java.util.BitSet referencedServiceIds() {
        java.util.BitSet ids = new java.util.BitSet();
        revNats.forEachApplied((k, v) -> setIfHandedOut(ids, k.serviceId(), MAX_SERVICE_ID));
        sourceRanges.forEachApplied((k, v) -> setIfHandedOut(ids, k.serviceId(), MAX_SERVICE_ID));
        services.forEachApplied((k, v) -> setIfHandedOut(ids, v.serviceId(), MAX_SERVICE_ID));
        return ids;
    }

    /**
     * Marks {@code id} when it is one this agent could have handed out ({@code 1..max}). An id decoded
     * from the maps may be anything (a bpftool edit, a newer version's wider range; a u32 above 2^31
     * reads negative): the allocator ignores those anyway, and a bit set must neither throw on them
     * nor grow to hundreds of megabytes for one of them.
     */
    private static void setIfHandedOut(java.util.BitSet ids, int id, int max) {
        if (id >= 1 && id <= max) ids.set(id);
    }

    /** Every backend id the maps mention: backend entries and ids held by slots. */
    private java.util.BitSet referencedBackendIds() {
        java.util.BitSet ids = new java.util.BitSet();
        backends.forEachApplied((k, v) -> setIfHandedOut(ids, k.id(), MAX_BACKEND_ID));
        services.forEachApplied((k, v) -> {
            if (k.slot() > 0) setIfHandedOut(ids, v.backendId(), MAX_BACKEND_ID);
        });
        return ids;
    }

    /**
     * Drops id mappings that neither the desired state nor the maps need any more, then frees
     * every id the maps no longer mention. Runs after failed applies too, so ids allocated for
     * writes that never landed do not leak. Ids are counted in bit sets: 100,000s of them after a
     * cold sync, and boxed they would cost more than the rest of the bookkeeping.
     */
    private void releaseUnusedIds(LbTarget target) {
        // Nothing to release when every id handed out is a desired one (a cold sync, every resync that
        // changed nothing): the desired frontends and backends all have ids, so equal counts mean every
        // mapping is desired, and allocators that hold no more ids than are mapped hold no id the maps
        // alone still mention. The walks below would cost 100,000s of lookups for nothing. (Should two
        // addresses share a backend id, which only a hand edit of both families' maps leaves for a restore,
        // the counts may match while the allocator holds an id nothing mentions: that id is then freed by a
        // later apply that takes the long way. An id held too long, never one handed out twice.)
        if (serviceIds.size() == target.frontends().size() && backendIds.size() == target.backends().size()
                && serviceIdAllocator.size() == serviceIds.size() && backendIdAllocator.size() == backendIds.size()) {
            return;
        }
        serviceIds.entrySet().removeIf(e -> !target.frontends().containsKey(e.getKey())
                && services.get(LbEncoding.headerKey(e.getKey())) == null
                && !hasAnySlot(e.getKey()));
        java.util.BitSet keptBackendIds = new java.util.BitSet();
        target.backends().keySet().forEach(k -> setIfHandedOut(keptBackendIds, k.id(), MAX_BACKEND_ID));
        backends.forEachApplied((k, v) -> setIfHandedOut(keptBackendIds, k.id(), MAX_BACKEND_ID));
        backendIds.entrySet().removeIf(e -> !keptBackendIds.get(e.getValue()));
        serviceIdAllocator.retainOnly(union(serviceIds.values(), referencedServiceIds()));
        backendIdAllocator.retainOnly(union(backendIds.values(), referencedBackendIds()));
    }

    private boolean hasAnySlot(Frontend f) {
        ServiceKey header = LbEncoding.headerKey(f);
        for (ServiceKey k : services.applied().keySet()) {
            if (k.slot() > 0 && k.withSlot(0).equals(header)) return true;
        }
        return false;
    }

    /** Records the entries per map ({@link #entriesPerMap()}) after an apply that gave {@code result}. */
    private ApplyResult countedPerMap(LbState desired, ApplyResult result) {
        entriesPerMap = summary.entriesPerMap();
        if (LOG.isDebugEnabled()) LOG.debug("applied {} frontends: {}", desired.frontends().size(), result);
        return result;
    }

    /** {@code ids} and the set bits of {@code more} (which it changes and returns). */
    private static java.util.BitSet union(Collection<Integer> ids, java.util.BitSet more) {
        for (int id : ids) if (id >= 0) more.set(id);
        return more;
    }
}
