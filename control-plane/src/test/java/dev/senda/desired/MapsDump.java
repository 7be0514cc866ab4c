package dev.senda.desired;

import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.TestLbMaps;
import dev.senda.net.IpFamily;
import java.util.TreeMap;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SourceRangeKey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every entry of the three load-balancer maps, as stable text, for golden tests: what the datapath
 * would read, ids and raw value fields included (unlike {@code senda bpf lb list}, which shows only
 * what headers reach and hides orphans).
 *
 * <pre>
 * senda_svc4_v1 (3 entries)
 *   10.96.0.10:80/TCP external slot 0 = backend_id 0 service_id 1 count 2 flags 0x00
 *   10.96.0.10:80/TCP external slot 1 = backend_id 1 service_id 1 count 0 flags 0x00
 *   10.96.0.10:80/TCP external slot 2 = backend_id 2 service_id 1 count 0 flags 0x00
 * senda_backend4_v1 (2 entries)
 *   1 = 10.244.1.12:8080/TCP ACTIVE
 *   2 = 10.244.2.7:8080/TCP ACTIVE
 * senda_revnat4_v1 (1 entry)
 *   1 = 10.96.0.10:80
 * </pre>
 *
 * Service entries sorted by address (numerically), port, protocol, scope, slot; backends and
 * reverse NATs by id. Every line ends with '\n'.
 */
final class MapsDump {
    private MapsDump() {
    }

    /** The IPv4 maps always (empty ones too), the IPv6 maps when they hold anything. */
    static String render(TestLbMaps maps) {
        StringBuilder out = new StringBuilder();
        for (IpFamily family : IpFamily.values()) {
            String n = family == IpFamily.IPV4 ? "4" : "6";
            List<Map.Entry<ServiceKey, ServiceValue>> services = new ArrayList<>(maps.services().entrySet());
            services.removeIf(e -> e.getKey().family() != family);
            services.sort(Map.Entry.comparingByKey()); // ServiceKey's own order: address, port, proto, scope, slot
            Map<Integer, BackendValue> backends = new TreeMap<>(maps.backends());
            backends.values().removeIf(b -> b.address().family() != family);
            Map<Integer, RevNatValue> revNats = new TreeMap<>(maps.revNats());
            revNats.values().removeIf(r -> r.address().family() != family);
            if (family == IpFamily.IPV6 && services.isEmpty() && backends.isEmpty() && revNats.isEmpty()) break;
            out.append(title("senda_svc" + n + "_v1", services.size()));
            for (Map.Entry<ServiceKey, ServiceValue> e : services) {
                ServiceKey k = e.getKey();
                ServiceValue v = e.getValue();
                out.append(String.format("  %s/%s %s slot %d = backend_id %d service_id %d count %d flags 0x%02x\n",
                        k.address().withPort(k.port()), k.proto(), k.scope().name().toLowerCase(), k.slot(),
                        v.backendId(), v.serviceId(), v.count(), v.flags()));
            }
            out.append(title("senda_backend" + n + "_v1", backends.size()));
            backends.forEach((id, b) -> out.append(String.format("  %d = %s/%s %s\n",
                    id, b.address().withPort(b.port()), b.proto(), b.state())));
            out.append(title("senda_revnat" + n + "_v1", revNats.size()));
            revNats.forEach((id, r) -> out.append(String.format("  %d = %s\n", id, r.address().withPort(r.port()))));
            // only when it holds anything: most cases have no source ranges
            List<SourceRangeKey> ranges = maps.sourceRanges().stream().filter(k -> k.family() == family).toList();
            if (!ranges.isEmpty()) out.append(title("senda_srcrange" + n + "_v1", ranges.size()));
            ranges.forEach(k -> out.append(String.format("  service_id %d %s\n", k.serviceId(), k.range())));
        }
        return out.toString();
    }

    private static String title(String map, int n) {
        return map + " (" + n + (n == 1 ? " entry)" : " entries)") + "\n";
    }

    /**
     * Checks, independently of any golden text, that the maps hold exactly {@code desired} as the
     * datapath reads it, and nothing else:
     * <ul>
     *   <li>one header (slot 0; backend_id 0 and flags 0, or with affinity the timeout and the
     *   affinity flag) per desired frontend and no other header;
     *   its count is the number of desired backends;</li>
     *   <li>slots 1..count exist, carry the header's service_id, and point at backend entries that
     *   hold the desired backends in the desired order; no slot beyond count, no slot without header;</li>
     *   <li>the header's service_id has a reverse NAT naming the frontend's VIP and port;</li>
     *   <li>service ids are distinct per frontend; one backend id per backend address;</li>
     *   <li>no backend entry that no slot references, no reverse NAT that no header references.</li>
     * </ul>
     *
     * @return the problems found, empty when consistent
     */
    static List<String> check(TestLbMaps maps, LbState desired) {
        List<String> problems = new ArrayList<>();
        Map<ServiceKey, ServiceValue> services = maps.services();
        Map<Integer, BackendValue> backends = maps.backends();
        Map<Integer, RevNatValue> revNats = maps.revNats();
        Set<Integer> referencedBackends = new TreeSet<>();
        Set<Integer> headerServiceIds = new TreeSet<>();
        Map<BackendAddress, Integer> idOfAddress = new HashMap<>();
        Map<BackendAddress, BackendState> expectedState = new HashMap<>();
        // A backend entry is shared by every frontend using the address: ACTIVE if any uses it as ACTIVE.
        for (DesiredFrontend df : desired.frontends().values()) {
            for (DesiredBackend b : df.backends()) {
                expectedState.merge(b.address(), dev.senda.reconcile.LbEncoding.state(b.state()),
                        (x, y) -> x == BackendState.ACTIVE || y == BackendState.ACTIVE ? BackendState.ACTIVE : x);
            }
        }

        Set<ServiceKey> expectedKeys = new java.util.HashSet<>();
        for (DesiredFrontend df : desired.frontends().values()) {
            Frontend f = df.frontend();
            ServiceKey headerKey = dev.senda.reconcile.LbEncoding.headerKey(f);
            expectedKeys.add(headerKey);
            ServiceValue header = services.get(headerKey);
            if (header == null) {
                problems.add(f + ": no header");
                continue;
            }
            // the kind flag, the traffic-policy flags, the source-range flag and the affinity (flag and
            // timeout) are what the header says besides ids and count
            int flags = dev.senda.reconcile.LbEncoding.kindFlags(df.kind())
                    | (df.dropWhenEmpty() ? ServiceValue.FLAG_DROP_EMPTY : 0)
                    | (df.twoScopes() ? ServiceValue.FLAG_TWO_SCOPES : 0)
                    | (df.sourceRanges().isEmpty() ? 0 : ServiceValue.FLAG_SOURCE_RANGES);
            if (!header.equals(dev.senda.maps.lb.ServiceValue.header(header.serviceId(), header.count(), flags,
                    df.affinity().timeoutSeconds()))) {
                problems.add(f + ": header " + header + " for " + df.kind() + ", affinity " + df.affinity()
                        + ", source ranges " + df.sourceRanges());
            }
            Set<SourceRangeKey> wantRanges = new TreeSet<>();
            df.sourceRanges().forEach(c -> wantRanges.add(SourceRangeKey.of(header.serviceId(), c.address(), c.bits())));
            Set<SourceRangeKey> haveRanges = new TreeSet<>(maps.sourceRanges().stream()
                    .filter(k -> k.serviceId() == header.serviceId()).toList());
            if (!wantRanges.equals(haveRanges)) problems.add(f + ": source ranges " + haveRanges + ", desired " + wantRanges);
            if (header.count() != df.backends().size()) {
                problems.add(f + ": header count " + header.count() + ", desired " + df.backends().size() + " backends");
            }
            if (!headerServiceIds.add(header.serviceId())) problems.add(f + ": service_id " + header.serviceId() + " used twice");
            if (header.serviceId() < 1) problems.add(f + ": service_id " + header.serviceId());
            RevNatValue rev = revNats.get(header.serviceId());
            if (!new RevNatValue(f.address(), f.port()).equals(rev)) {
                problems.add(f + ": reverse NAT " + header.serviceId() + " is " + rev);
            }
            for (int slot = 1; slot <= df.backends().size(); slot++) {
                ServiceKey key = headerKey.withSlot(slot);
                expectedKeys.add(key);
                ServiceValue v = services.get(key);
                DesiredBackend want = df.backends().get(slot - 1);
                if (v == null) {
                    problems.add(f + " slot " + slot + ": missing");
                    continue;
                }
                if (v.serviceId() != header.serviceId() || v.count() != 0 || v.flags() != 0) {
                    problems.add(f + " slot " + slot + ": " + v + " (header service_id " + header.serviceId() + ")");
                }
                referencedBackends.add(v.backendId());
                Integer known = idOfAddress.putIfAbsent(want.address(), v.backendId());
                if (known != null && known != v.backendId()) {
                    problems.add(want.address() + " has two backend ids: " + known + " and " + v.backendId());
                }
                BackendAddress a = want.address();
                BackendValue expected = new BackendValue(a.address(), a.port(), dev.senda.reconcile.LbEncoding.protocol(a.proto()),
                        expectedState.get(a));
                if (!expected.equals(backends.get(v.backendId()))) {
                    problems.add(f + " slot " + slot + ": backend " + v.backendId() + " is "
                            + backends.get(v.backendId()) + ", desired " + expected);
                }
            }
        }
        for (ServiceKey k : services.keySet()) {
            if (!expectedKeys.contains(k)) problems.add("entry nobody desires: " + k + " = " + services.get(k));
        }
        for (int id : backends.keySet()) {
            if (!referencedBackends.contains(id)) problems.add("backend " + id + " referenced by no slot: " + backends.get(id));
        }
        for (int id : revNats.keySet()) {
            if (!headerServiceIds.contains(id)) problems.add("reverse NAT " + id + " referenced by no header: " + revNats.get(id));
        }
        for (SourceRangeKey k : maps.sourceRanges()) {
            if (!headerServiceIds.contains(k.serviceId())) problems.add(k + " belongs to no header");
        }
        return problems;
    }
}
