package dev.senda.reconcile;

import dev.senda.desired.BackendAddress;
import dev.senda.desired.DesiredBackend;
import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.Frontend;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.MapWriteException;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Applies a desired {@link LbState} to the {@link LbMaps}, writing only what differs from what the
 * maps hold, in an order that never lets the datapath see a half-built frontend.
 *
 * <h2>Ids</h2>
 * A frontend gets a service id (its header's {@code service_id}, the reverse-NAT key) that stays
 * the same while the frontend exists. A {@link BackendAddress} gets one backend id shared by every
 * frontend using it; it is referenced by slots and freed once no slot and no desired frontend uses
 * it (the reference count is derived from the slots, see {@link AppliedState#backendRefCounts()}).
 * Ids come from {@link IdAllocator} (round-robin from 1: a freed id is reused last).
 *
 * <h2>Order</h2>
 * Adds and updates: backends, then a frontend's slots 1..n, its reverse NAT, its header (the
 * header's count is what makes slots visible). Shrinking a frontend: its header with the smaller
 * count first, then the surplus slots. Removing a frontend: header, slots, reverse NAT. Backends no
 * slot references any more are deleted last. The invariant a reader relies on: every header's
 * slots 1..count exist and point at existing backends, and its reverse NAT exists.
 *
 * <h2>Failures</h2>
 * A failed write ({@link MapWriteException}) is reported in {@link ApplyResult#errors()}. A failed
 * backend write aborts the apply (every frontend needs its backends first); a failed frontend write
 * abandons that frontend only, and the others are still written; pruning then waits for an apply
 * without errors. The view of what was applied is updated per successful write only, so the next
 * apply retries exactly the writes that are missing (every write is an upsert or an idempotent
 * delete).
 *
 * <h2>Pruning</h2>
 * Entries no desired frontend needs (a frontend that went away, a backend no longer referenced, a
 * leftover found by {@link #restore()}) are deleted only when {@code pruneAllowed}: until every
 * source has synced, "not desired" may only mean "not seen yet". Updates of desired frontends,
 * including dropping some of their slots, are applied either way.
 *
 * <p>Thread-safe by confinement plus {@code synchronized}: meant to be driven by one sync thread.
 */
public final class LbReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(LbReconciler.class);

    /** Largest service id handed out (the service map holds 65536 entries). */
    public static final int MAX_SERVICE_ID = 65535;
    /** Largest backend id handed out (the backend map holds 65536 entries). */
    public static final int MAX_BACKEND_ID = 65535;
    /** {@code SENDA_SVC_FLAG_NONE}: no header flags are used yet. */
    private static final int HEADER_FLAGS = 0;

    private final LbMaps maps;
    private final IdAllocator serviceIdAllocator = new IdAllocator("service id", MAX_SERVICE_ID);
    private final IdAllocator backendIdAllocator = new IdAllocator("backend id", MAX_BACKEND_ID);
    private final Map<Frontend, Integer> serviceIds = new HashMap<>();
    private final Map<BackendAddress, Integer> backendIds = new HashMap<>();
    private AppliedState applied = new AppliedState();

    /**
     * A reconciler that assumes the maps are empty until {@link #restore()} is called. Call
     * {@code restore()} once before the first apply whenever the maps may already hold entries
     * (pinned maps surviving an agent restart).
     */
    public LbReconciler(LbMaps maps) {
        this.maps = Objects.requireNonNull(maps, "maps");
    }

    /**
     * Rebuilds the id tables and the applied view from what the maps hold, so that applying the
     * same desired state as before the restart writes nothing. Frontends keep the service id of
     * their header (or, without a header, of their first slot); a backend address keeps the lowest
     * id holding it. Entries that cannot be attributed (duplicates, invalid ports) stay in the view
     * as stale and are removed by the first apply with pruning allowed. May be called again later
     * to pick up changes made behind the reconciler's back.
     */
    public synchronized RestoreResult restore() {
        AppliedState found = AppliedState.read(maps);
        serviceIds.clear();
        backendIds.clear();
        Set<Integer> claimedServiceIds = new HashSet<>();
        for (ServiceKey key : found.frontendKeys()) {
            Frontend frontend = LbEncoding.frontend(key);
            SortedMap<Integer, ServiceValue> entries = found.entriesOf(key);
            int id = entries.containsKey(0) ? entries.get(0).serviceId() : entries.get(entries.firstKey()).serviceId();
            if (frontend != null && id >= 1 && id <= MAX_SERVICE_ID && claimedServiceIds.add(id)) {
                serviceIds.put(frontend, id);
            }
        }
        found.backends().forEach((id, value) -> {
            if (id < 1 || id > MAX_BACKEND_ID || value.port() < 1) return;
            backendIds.putIfAbsent(LbEncoding.backendAddress(value), id);
        });
        applied = found;
        serviceIdAllocator.resetForRestore(union(serviceIds.values(), applied.referencedServiceIds()));
        backendIdAllocator.resetForRestore(union(backendIds.values(), applied.referencedBackendIds()));
        RestoreResult result = new RestoreResult(found.headerCount(), found.backendCount(),
                found.serviceEntryCount(), found.revNatCount());
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
        Target target = plan(desired, errors);
        Writer w = new Writer();
        try {
            writeBackends(target, w);
            // One frontend that cannot be written (a full map, say) must not hold back the others: each
            // frontend's writes are independent once the backends exist.
            for (TargetFrontend tf : target.frontends.values()) {
                try {
                    writeFrontend(tf, w);
                } catch (MapWriteException e) {
                    errors.add(failure(w, e));
                }
            }
            // Pruning waits for a clean pass: what a failed frontend still references stays until then.
            if (pruneAllowed && errors.isEmpty()) prune(target, w);
        } catch (MapWriteException e) {
            errors.add(failure(w, e));
        } finally {
            releaseUnusedIds(target);
        }
        return summarize(desired, target, w.count, errors);
    }

    private static String failure(Writer w, MapWriteException e) {
        String line = w.current + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
        LOG.warn("map write failed after {} successful writes in this apply: {}", w.count, line);
        return line;
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

    /** How many service slots in the maps point at this backend (0 when it has no id). */
    public synchronized int backendReferences(BackendAddress backend) {
        Integer id = backendIds.get(backend);
        return id == null ? 0 : applied.backendRefCounts().getOrDefault(id, 0);
    }

    // ---- planning ----

    private record TargetFrontend(DesiredFrontend desired, ServiceKey headerKey, int serviceId, List<Integer> slots) {
        ServiceValue header() {
            return ServiceValue.header(serviceId, slots.size(), HEADER_FLAGS);
        }

        RevNatValue revNat() {
            return new RevNatValue(headerKey.address(), headerKey.port());
        }
    }

    /** Every entry the maps should hold for the desired state (ids assigned). */
    private record Target(Map<Frontend, TargetFrontend> frontends, SortedMap<Integer, BackendValue> backends,
                          Set<ServiceKey> headerKeys, Set<Integer> serviceIds) {
    }

    private Target plan(LbState desired, List<String> errors) {
        Map<Frontend, TargetFrontend> frontends = new TreeMap<>();
        SortedMap<Integer, BackendValue> backends = new TreeMap<>();
        Set<ServiceKey> headerKeys = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        for (DesiredFrontend df : desired.frontends().values()) {
            Frontend f = df.frontend();
            if (!LbEncoding.encodable(f)) continue; // IPv6: no maps for it yet
            try {
                int serviceId = serviceIds.computeIfAbsent(f, k -> serviceIdAllocator.allocate());
                List<Integer> slots = new ArrayList<>(df.backends().size());
                for (DesiredBackend b : df.backends()) {
                    int backendId = backendIds.computeIfAbsent(b.address(), k -> backendIdAllocator.allocate());
                    slots.add(backendId);
                    backends.merge(backendId, toValue(b), LbReconciler::preferActive);
                }
                ServiceKey headerKey = LbEncoding.headerKey(f);
                frontends.put(f, new TargetFrontend(df, headerKey, serviceId, List.copyOf(slots)));
                headerKeys.add(headerKey);
                ids.add(serviceId);
            } catch (IdAllocator.IdsExhaustedException e) {
                // Skip this frontend; every other one is still programmed.
                errors.add(df.servicePort() + " (" + f + ") not programmed: " + e.getMessage());
            }
        }
        return new Target(frontends, backends, headerKeys, ids);
    }

    /**
     * One address may back several Services with different conditions (ready in one slice,
     * terminating in another); the backend entry is shared, so it says ACTIVE if any frontend
     * uses it as an active backend.
     */
    private static BackendValue preferActive(BackendValue a, BackendValue b) {
        return a.state() == BackendState.ACTIVE ? a : b;
    }

    private static BackendValue toValue(DesiredBackend b) {
        return LbEncoding.backendValue(b);
    }

    // ---- writing ----

    private void writeBackends(Target target, Writer w) {
        for (Map.Entry<Integer, BackendValue> e : target.backends.entrySet()) {
            if (!e.getValue().equals(applied.backend(e.getKey()))) w.putBackend(e.getKey(), e.getValue());
        }
    }

    /** Slots, reverse NAT, header; then slots beyond the new count (after the header shrank). */
    private void writeFrontend(TargetFrontend tf, Writer w) {
        for (int slot = 1; slot <= tf.slots.size(); slot++) {
            ServiceKey key = tf.headerKey.withSlot(slot);
            ServiceValue value = ServiceValue.slot(tf.serviceId, tf.slots.get(slot - 1));
            if (!value.equals(applied.service(key))) w.putService(key, value);
        }
        if (!tf.revNat().equals(applied.revNat(tf.serviceId))) w.putRevNat(tf.serviceId, tf.revNat());
        if (!tf.header().equals(applied.service(tf.headerKey))) w.putService(tf.headerKey, tf.header());
        for (int slot : applied.entriesOf(tf.headerKey).keySet()) {
            if (slot > tf.slots.size()) w.deleteService(tf.headerKey.withSlot(slot));
        }
    }

    /** Removes whole frontends nobody desires, then orphan reverse NATs, then unreferenced backends. */
    private void prune(Target target, Writer w) {
        for (ServiceKey headerKey : applied.frontendKeys()) {
            if (target.headerKeys.contains(headerKey)) continue;
            SortedMap<Integer, ServiceValue> entries = applied.entriesOf(headerKey);
            ServiceValue header = entries.get(0);
            if (header != null) w.deleteService(headerKey);
            for (int slot : entries.keySet()) {
                if (slot > 0) w.deleteService(headerKey.withSlot(slot));
            }
            if (header != null && !target.serviceIds.contains(header.serviceId())
                    && applied.revNat(header.serviceId()) != null) {
                w.deleteRevNat(header.serviceId());
            }
        }
        for (int serviceId : applied.revNats().keySet()) {
            if (!target.serviceIds.contains(serviceId)) w.deleteRevNat(serviceId);
        }
        for (int backendId : applied.backends().keySet()) {
            if (!target.backends.containsKey(backendId)) w.deleteBackend(backendId);
        }
    }

    /**
     * Drops id mappings that neither the desired state nor the maps need any more, then frees
     * every id the maps no longer mention. Runs after failed applies too, so ids allocated for
     * writes that never landed do not leak.
     */
    private void releaseUnusedIds(Target target) {
        serviceIds.entrySet().removeIf(e -> !target.frontends.containsKey(e.getKey())
                && !applied.hasFrontend(LbEncoding.headerKey(e.getKey())));
        backendIds.entrySet().removeIf(e -> !target.backends.containsKey(e.getValue())
                && applied.backend(e.getValue()) == null);
        serviceIdAllocator.retainOnly(union(serviceIds.values(), applied.referencedServiceIds()));
        backendIdAllocator.retainOnly(union(backendIds.values(), applied.referencedBackendIds()));
    }

    private ApplyResult summarize(LbState desired, Target target, int writes, List<String> errors) {
        int frontends = 0;
        Set<String> services = new HashSet<>();
        for (TargetFrontend tf : target.frontends.values()) {
            if (applied.service(tf.headerKey) != null) {
                frontends++;
                services.add(tf.desired.servicePort().namespace() + "/" + tf.desired.servicePort().name());
            }
        }
        int backends = 0;
        int staleKept = 0;
        for (int id : applied.backends().keySet()) {
            if (target.backends.containsKey(id)) backends++;
            else staleKept++;
        }
        for (ServiceKey key : applied.frontendKeys()) {
            if (!target.headerKeys.contains(key)) staleKept += applied.entriesOf(key).size();
        }
        for (int id : applied.revNats().keySet()) {
            if (!target.serviceIds.contains(id)) staleKept++;
        }
        ApplyResult result = new ApplyResult(writes, services.size(), frontends, backends, staleKept, errors);
        if (LOG.isDebugEnabled()) LOG.debug("applied {} frontends: {}", desired.frontends().size(), result);
        return result;
    }

    private static Set<Integer> union(java.util.Collection<Integer> a, java.util.Collection<Integer> b) {
        Set<Integer> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Performs writes, counting them and recording each in the applied view once it succeeded. */
    private final class Writer {
        int count;
        /** The write in progress, for the error line. */
        String current = "nothing";

        void putBackend(int id, BackendValue value) {
            current = "put backend " + id + " = " + value;
            maps.putBackend(id, value);
            applied.putBackend(id, value);
            count++;
        }

        void deleteBackend(int id) {
            current = "delete backend " + id;
            maps.deleteBackend(id);
            applied.removeBackend(id);
            count++;
        }

        void putService(ServiceKey key, ServiceValue value) {
            current = "put service " + key + " = " + value;
            maps.putService(key, value);
            applied.putService(key, value);
            count++;
        }

        void deleteService(ServiceKey key) {
            current = "delete service " + key;
            maps.deleteService(key);
            applied.removeService(key);
            count++;
        }

        void putRevNat(int serviceId, RevNatValue value) {
            current = "put revnat " + serviceId + " = " + value;
            maps.putRevNat(serviceId, value);
            applied.putRevNat(serviceId, value);
            count++;
        }

        void deleteRevNat(int serviceId) {
            current = "delete revnat " + serviceId;
            maps.deleteRevNat(serviceId);
            applied.removeRevNat(serviceId);
            count++;
        }
    }
}
