package dev.senda.reconcile;

import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.reconcile.table.AppliedTable;
import dev.senda.reconcile.table.Phase;

import java.util.List;

import static dev.senda.reconcile.table.Phase.Kind.DELETE;
import static dev.senda.reconcile.table.Phase.Kind.PRUNE;
import static dev.senda.reconcile.table.Phase.Kind.PUT;

/**
 * The order in which the load-balancer tables are written: the one place that knows what the
 * datapath may read at any moment.
 *
 * <p>The invariant a reader relies on: every header's slots 1..count exist and point at existing
 * backends, and its reverse NAT exists. Hence: backends, then slots, then reverse NAT, then headers
 * (the header's count is what makes slots visible; a shrinking header is written before its surplus
 * slots go). Removals in reverse: headers, slots, reverse NAT, backends.
 *
 * <p>Groups: a frontend's writes share its service id, so a failed slot keeps its header from being
 * written; a failed backend write ends the apply (every frontend may need it).
 */
final class LbWriteOrder {
    private LbWriteOrder() {
    }

    static List<Phase<?, ?>> phases(AppliedTable<ServiceKey, ServiceValue> services,
                                    AppliedTable<BackendKey, BackendValue> backends,
                                    AppliedTable<RevNatKey, RevNatValue> revNats) {
        return List.of(
                new Phase<>("backends", backends, PUT, (k, d) -> true, (k, v) -> Phase.FATAL),
                new Phase<>("service slots", services, PUT, (k, d) -> k.slot() > 0, (k, v) -> v.serviceId()),
                new Phase<>("reverse NAT", revNats, PUT, (k, d) -> true, (k, v) -> k.serviceId()),
                new Phase<>("service headers", services, PUT, (k, d) -> k.slot() == 0, (k, v) -> v.serviceId()),
                // slots beyond a desired frontend's new count, once its header shrank
                new Phase<>("surplus slots", services, DELETE,
                        (k, d) -> k.slot() > 0 && d.containsKey(k.withSlot(0)), (k, v) -> v.serviceId()),
                new Phase<>("stale headers", services, PRUNE, (k, d) -> k.slot() == 0, (k, v) -> v.serviceId()),
                new Phase<>("stale slots", services, PRUNE, (k, d) -> k.slot() > 0, (k, v) -> v.serviceId()),
                new Phase<>("stale reverse NAT", revNats, PRUNE, (k, d) -> true, (k, v) -> k.serviceId()),
                new Phase<>("stale backends", backends, PRUNE, (k, d) -> true, (k, v) -> Phase.FATAL));
    }
}
