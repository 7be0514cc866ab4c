package dev.senda.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendState;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SourceRangeKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the load-balancer maps of both families hold, decoded for humans: one row per frontend
 * (slot-0 header) with its backends in slot order, frontends in their canonical order (IPv4 first).
 * Inconsistencies the datapath would trip over (a slot pointing at a missing backend, a missing slot)
 * are shown, not hidden.
 */
public record LbListing(List<Row> rows) {
    /**
     * One frontend. {@code frontend} is how people write it: "10.96.0.10:80/TCP", "[fd00:96::a]:80/TCP".
     * {@code affinityTimeoutSeconds}: the session-affinity (ClientIP) timeout from the header, 0 without.
     * {@code sourceRanges}: with the header's source-range flag, the ranges new flows may come from
     * (loadBalancerSourceRanges; empty: every source is dropped); null (left out of JSON) without the
     * flag: any source.
     * {@code dropsWhenEmpty}: true (else left out of JSON) for a node-local frontend without an endpoint
     * here while the Service has some elsewhere ({@code SENDA_SVC_FLAG_DROP_EMPTY}): its traffic is
     * dropped, not refused.
     */
    @JsonPropertyOrder({"frontend", "type", "family", "address", "port", "protocol", "scope", "serviceId",
            "affinityTimeoutSeconds", "sourceRanges", "dropsWhenEmpty", "backends"})
    public record Row(String frontend, String type, String family, String address, int port, String protocol,
                      String scope, int serviceId, long affinityTimeoutSeconds,
                      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> sourceRanges,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean dropsWhenEmpty, List<Slot> backends) {
        /** "10800s", or "none". */
        String affinityText() {
            return affinityTimeoutSeconds == 0 ? "none" : affinityTimeoutSeconds + "s";
        }

        /** "any", the ranges, or "(none)" when the flag is set without ranges (every source dropped). */
        String sourcesText() {
            if (sourceRanges == null) return "any";
            return sourceRanges.isEmpty() ? "(none)" : String.join(",", sourceRanges);
        }
    }

    /** One backend slot; address fields are null (and {@code missing} true) when the slot or its backend is missing. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"slot", "id", "address", "port", "protocol", "state", "missing"})
    public record Slot(int slot, long id, String address, Integer port, String protocol, String state,
                       Boolean missing) {
        static Slot of(int slot, int id, BackendValue b) {
            if (b == null) return new Slot(slot, Integer.toUnsignedLong(id), null, null, null, null, true);
            return new Slot(slot, Integer.toUnsignedLong(id), b.address().toString(), b.port(), b.proto().name(),
                    b.state().name().toLowerCase(), null);
        }

        String text() {
            if (Boolean.TRUE.equals(missing)) return "<missing backend " + id + " in slot " + slot + ">";
            String where = address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
            return where + (BackendState.ACTIVE.name().toLowerCase().equals(state) ? "" : " (" + state + ")");
        }
    }

    public static LbListing of(LbMaps maps) {
        Map<ServiceKey, ServiceValue> services = new TreeMap<>(maps.services().entries());
        Map<BackendKey, BackendValue> backends = maps.backends().entries();
        Map<Integer, List<SourceRangeKey>> ranges = new TreeMap<>();
        new TreeSet<>(maps.sourceRanges().entries().keySet()).forEach(k ->
                ranges.computeIfAbsent(k.serviceId(), x -> new ArrayList<>()).add(k));
        List<Row> rows = new ArrayList<>();
        services.forEach((header, value) -> {
            if (header.slot() != 0) return;
            List<Slot> slots = new ArrayList<>();
            for (int s = 1; s <= value.count(); s++) {
                ServiceValue slot = services.get(header.withSlot(s));
                int id = slot == null ? 0 : slot.backendId();
                slots.add(Slot.of(s, id, slot == null ? null : backends.get(new BackendKey(header.family(), id))));
            }
            rows.add(new Row(header.address().withPort(header.port()) + "/" + header.proto(), value.kind(),
                    header.family().apiName(), header.address().toString(), header.port(), header.proto().name(),
                    header.scope().name().toLowerCase(), value.serviceId(),
                    Integer.toUnsignedLong(value.affinityTimeout()), sourceRanges(header, value, ranges),
                    (value.flags() & ServiceValue.FLAG_DROP_EMPTY) != 0 ? Boolean.TRUE : null, slots));
        });
        return new LbListing(rows);
    }

    /** The ranges of a header with the source-range flag (of its own family), else null. */
    private static List<String> sourceRanges(ServiceKey header, ServiceValue value,
                                             Map<Integer, List<SourceRangeKey>> ranges) {
        if ((value.flags() & ServiceValue.FLAG_SOURCE_RANGES) == 0) return null;
        return ranges.getOrDefault(value.serviceId(), List.of()).stream()
                .filter(k -> k.family() == header.family()).map(SourceRangeKey::range).toList();
    }

    /** A fixed-width table. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-44s %-12s %-9s %-6s %-8s %-18s %s%n", "FRONTEND", "TYPE", "SCOPE", "ID",
                "AFFINITY", "SOURCES", "BACKENDS"));
        for (Row r : rows) {
            List<String> bs = r.backends().stream().map(Slot::text).toList();
            out.append(String.format("%-44s %-12s %-9s %-6d %-8s %-18s %s%n", r.frontend(), r.type(), r.scope(),
                    r.serviceId(), r.affinityText(), r.sourcesText(),
                    !bs.isEmpty() ? String.join(", ", bs)
                            : Boolean.TRUE.equals(r.dropsWhenEmpty()) ? "(none on this node: traffic dropped)"
                            : "(none: connections refused)"));
        }
        return out.toString();
    }

    /** JSON: an array with one object per frontend, fields in a fixed order. */
    public String toJson() {
        return Json.write(rows);
    }
}
