package dev.senda.cli;

import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.LbMaps;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.reconcile.LbEncoding;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the load-balancer maps hold, decoded for humans: one row per frontend (slot-0 header) with its
 * backends in slot order. Inconsistencies the datapath would trip over (a slot pointing at a missing
 * backend, a missing slot) are shown, not hidden.
 */
public record LbListing(List<Row> rows) {

    /** One frontend. */
    public record Row(Inet4Address address, int port, String protocol, String scope, int serviceId,
                      Optional<RevNatValue> revNat, List<Slot> slots) {
    }

    /** One backend slot; {@code backend} is empty when the slot or its backend entry is missing. */
    public record Slot(int slot, int backendId, Optional<BackendValue> backend) {
    }

    public static LbListing of(LbMaps maps) {
        Map<ServiceKey, ServiceValue> services = maps.services();
        Map<Integer, BackendValue> backends = maps.backends();
        Map<Integer, RevNatValue> revNats = maps.revNats();
        List<Row> rows = new ArrayList<>();
        services.entrySet().stream()
                .filter(e -> e.getKey().slot() == 0)
                .sorted(Map.Entry.comparingByKey(LbEncoding.FRONTEND_ORDER))
                .forEach(e -> {
                    ServiceKey header = e.getKey();
                    ServiceValue value = e.getValue();
                    List<Slot> slots = new ArrayList<>();
                    for (int s = 1; s <= value.count(); s++) {
                        ServiceValue slot = services.get(header.withSlot(s));
                        int id = slot == null ? 0 : slot.backendId();
                        slots.add(new Slot(s, id, Optional.ofNullable(slot == null ? null : backends.get(id))));
                    }
                    rows.add(new Row(header.address(), header.port(), header.proto().name(),
                            header.scope().name().toLowerCase(), value.serviceId(),
                            Optional.ofNullable(revNats.get(value.serviceId())), slots));
                });
        return new LbListing(rows);
    }

    /** A fixed-width table. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-24s %-9s %-6s %s%n", "FRONTEND", "SCOPE", "ID", "BACKENDS"));
        for (Row r : rows) {
            String frontend = r.address().getHostAddress() + ":" + r.port() + "/" + r.protocol();
            List<String> bs = new ArrayList<>();
            for (Slot s : r.slots()) {
                bs.add(s.backend()
                        .map(b -> b.address().getHostAddress() + ":" + b.port()
                                + (b.state() == dev.senda.maps.lb.BackendState.ACTIVE ? "" : " (" + b.state().name().toLowerCase() + ")"))
                        .orElse("<missing backend " + s.backendId() + " in slot " + s.slot() + ">"));
            }
            out.append(String.format("%-24s %-9s %-6d %s%n", frontend, r.scope(), r.serviceId(),
                    bs.isEmpty() ? "(none: connections refused)" : String.join(", ", bs)));
        }
        return out.toString();
    }

    /** JSON, one object per frontend; written by hand to keep field order and names stable. */
    public String toJson() {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) out.append(',');
            out.append("\n  {\"address\":\"").append(r.address().getHostAddress())
                    .append("\",\"port\":").append(r.port())
                    .append(",\"protocol\":\"").append(r.protocol())
                    .append("\",\"scope\":\"").append(r.scope())
                    .append("\",\"serviceId\":").append(r.serviceId())
                    .append(",\"backends\":[");
            for (int j = 0; j < r.slots().size(); j++) {
                Slot s = r.slots().get(j);
                if (j > 0) out.append(',');
                out.append("{\"slot\":").append(s.slot()).append(",\"id\":").append(s.backendId());
                s.backend().ifPresent(b -> out.append(",\"address\":\"").append(b.address().getHostAddress())
                        .append("\",\"port\":").append(b.port())
                        .append(",\"protocol\":\"").append(b.proto().name())
                        .append("\",\"state\":\"").append(b.state().name().toLowerCase()).append('"'));
                if (s.backend().isEmpty()) out.append(",\"missing\":true");
                out.append('}');
            }
            out.append("]}");
        }
        out.append(rows.isEmpty() ? "]" : "\n]").append('\n');
        return out.toString();
    }
}
