package dev.senda.reconcile;

import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.Frontend;
import dev.senda.desired.LbState;
import dev.senda.maps.lb.BackendKey;
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

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a full apply of {@link LbReconciler} achieved, read from its mirror of the maps after the
 * writes: the counts of {@link ApplyResult}, the frontends that did not fit, the entries per map.
 * Reads only; the mirror equals the maps because it changes only with writes that succeeded.
 * Not thread-safe: called under the reconciler's lock.
 */
final class LbSummary {
    private final AppliedTable<ServiceKey, ServiceValue> services;
    private final AppliedTable<BackendKey, BackendValue> backends;
    private final AppliedTable<RevNatKey, RevNatValue> revNats;
    private final AppliedTable<SourceRangeKey, SourceRangeValue> sourceRanges;

    LbSummary(AppliedTable<ServiceKey, ServiceValue> services, AppliedTable<BackendKey, BackendValue> backends,
              AppliedTable<RevNatKey, RevNatValue> revNats,
              AppliedTable<SourceRangeKey, SourceRangeValue> sourceRanges) {
        this.services = services;
        this.backends = backends;
        this.revNats = revNats;
        this.sourceRanges = sourceRanges;
    }

    /**
     * The result of a full apply of {@code target} (planned from {@code desired}) that made {@code writes}
     * writes, of which {@code failures} failed (planning's failures included), {@code errors} the first few.
     */
    ApplyResult summarize(LbState desired, LbTarget target, int writes, int failures, List<String> errors) {
        if (failures == 0) {
            // Every write the target needed landed (a write is skipped only after a failure): the
            // mirror holds every target entry, so nothing need be looked up entry by entry.
            Set<String> serviceNames = new HashSet<>();
            for (DesiredFrontend df : target.frontends().values()) {
                serviceNames.add(df.servicePort().namespace() + "/" + df.servicePort().name());
            }
            int staleKept = services.applied().size() - target.services().size()
                    + backends.applied().size() - target.backends().size()
                    + revNats.applied().size() - target.revNats().size()
                    + sourceRanges.applied().size() - target.sourceRanges().size();
            return new ApplyResult(writes, serviceNames.size(), target.frontends().size(),
                    target.backends().size(), staleKept, 0, errors, ApplyResult.Unprogrammed.NONE);
        }
        int frontends = 0;
        Set<String> serviceNames = new HashSet<>();
        for (Map.Entry<Frontend, DesiredFrontend> e : target.frontends().entrySet()) {
            Frontend f = e.getKey();
            if (services.get(LbEncoding.headerKey(f)) != null) {
                frontends++;
                serviceNames.add(e.getValue().servicePort().namespace() + "/" + e.getValue().servicePort().name());
            }
        }
        int backendsProgrammed = 0;
        int staleKept = 0;
        for (BackendKey k : backends.applied().keySet()) {
            if (target.backends().containsKey(k)) backendsProgrammed++;
            else staleKept++;
        }
        for (ServiceKey k : services.applied().keySet()) {
            if (!target.services().containsKey(k)) staleKept++;
        }
        for (RevNatKey k : revNats.applied().keySet()) {
            if (!target.revNats().containsKey(k)) staleKept++;
        }
        for (SourceRangeKey k : sourceRanges.applied().keySet()) {
            if (!target.sourceRanges().containsKey(k)) staleKept++;
        }
        ApplyResult result = new ApplyResult(writes, serviceNames.size(), frontends, backendsProgrammed, staleKept,
                failures, errors, unprogrammed(desired, target));
        return result;
    }

    /** How many of the scope's keys each map holds now. */
    void countPresent(Map<String, Integer> out, Set<ServiceKey> svc, Set<BackendKey> be, Set<RevNatKey> rn,
                              Set<SourceRangeKey> sr) {
        present(out, LbMaps.SERVICES, svc, services, ServiceKey::family);
        present(out, LbMaps.BACKENDS, be, backends, BackendKey::family);
        present(out, LbMaps.REVNATS, rn, revNats, RevNatKey::family);
        present(out, LbMaps.SOURCE_RANGES, sr, sourceRanges, SourceRangeKey::family);
    }

    private static <K extends Comparable<? super K>> void present(Map<String, Integer> out,
            dev.senda.maps.table.TableSpec<K, ?> spec, Set<K> keys, AppliedTable<K, ?> table,
            java.util.function.Function<K, IpFamily> family) {
        for (K k : keys) {
            if (table.get(k) == null) continue;
            String name = family.apply(k) == IpFamily.IPV4 ? spec.v4().mapName() : spec.v6().mapName();
            out.merge(name, 1, Integer::sum);
        }
    }

    /** Entries each map holds now, by map name ({@code senda_svc4_v1}, ...), sorted by name. */
    Map<String, Integer> entriesPerMap() {
        Map<String, Integer> perMap = new TreeMap<>();
        count(perMap, LbMaps.SERVICES, services.applied().keySet(), ServiceKey::family);
        count(perMap, LbMaps.BACKENDS, backends.applied().keySet(), BackendKey::family);
        count(perMap, LbMaps.REVNATS, revNats.applied().keySet(), RevNatKey::family);
        count(perMap, LbMaps.SOURCE_RANGES, sourceRanges.applied().keySet(), SourceRangeKey::family);
        return Collections.unmodifiableMap(perMap);
    }

    /**
     * The desired frontends the maps do not hold as desired: no id (ids exhausted), or an entry of
     * theirs (header, slot, reverse NAT, source range) that differs from the target. Only failed
     * writes leave such a difference, so this is the list of what did not fit. Slots are checked
     * through the desired header's count, one lookup each: linear in the desired entries.
     */
    private ApplyResult.Unprogrammed unprogrammed(LbState desired, LbTarget target) {
        int count = 0;
        List<String> first = new ArrayList<>();
        for (DesiredFrontend df : desired.frontends().values()) { // a sorted map: frontend order
            if (programmed(df.frontend(), target)) continue;
            if (count++ < ApplyResult.Unprogrammed.NAMED) first.add(df.servicePort() + " (" + df.frontend() + ")");
        }
        return count == 0 ? ApplyResult.Unprogrammed.NONE : new ApplyResult.Unprogrammed(count, first);
    }

    private boolean programmed(Frontend f, LbTarget target) {
        if (!target.frontends().containsKey(f)) return false;
        ServiceKey header = LbEncoding.headerKey(f);
        ServiceValue wantedHeader = target.services().get(header);
        if (!wantedHeader.equals(services.get(header))) return false;
        for (int slot = 1; slot <= wantedHeader.count(); slot++) {
            ServiceKey k = header.withSlot(slot);
            if (!target.services().get(k).equals(services.get(k))) return false;
        }
        RevNatKey revNat = new RevNatKey(f.address().family(), wantedHeader.serviceId());
        if (!target.revNats().get(revNat).equals(revNats.get(revNat))) return false;
        for (SourceRangeKey k : LbEncoding.sourceRanges(wantedHeader.serviceId(), target.frontends().get(f))) {
            if (!target.sourceRanges().get(k).equals(sourceRanges.get(k))) return false;
        }
        return true;
    }

    private static <K> void count(Map<String, Integer> out, dev.senda.maps.table.TableSpec<K, ?> table,
                                  Collection<K> keys, java.util.function.Function<K, IpFamily> family) {
        int v4 = 0;
        for (K k : keys) if (family.apply(k) == IpFamily.IPV4) v4++;
        out.put(table.v4().mapName(), v4);
        out.put(table.v6().mapName(), keys.size() - v4);
    }
}
