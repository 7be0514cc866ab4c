package dev.senda.reconcile;

import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SourceRangeKey;
import dev.senda.maps.lb.SourceRangeValue;
import dev.senda.reconcile.table.AppliedTable;
import dev.senda.reconcile.table.Phase;

import java.util.List;
import java.util.function.IntPredicate;

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
 * <p>Source ranges: a header with {@code FLAG_SOURCE_RANGES} makes the datapath drop every source
 * outside the frontend's ranges, so the ranges go in before the header (a new range is allowed
 * before the header relies on it) and come out after it: ranges a desired frontend no longer has once
 * its header is written (while they change, the old and new ranges are briefly both allowed, never
 * neither), ranges of a removed frontend after its header was pruned.
 *
 * <p>Groups: a frontend's writes share its service id, so a failed slot or range keeps its header
 * from being written; a failed backend write ends the apply (every frontend may need it).
 */
final class LbWriteOrder {
    private LbWriteOrder() {
    }

    /**
     * @param desiredServiceId whether a service id belongs to a frontend of the desired state being
     *                         applied (its surplus ranges are deleted without waiting for pruning)
     */
    static List<Phase<?, ?>> phases(AppliedTable<ServiceKey, ServiceValue> services,
                                    AppliedTable<BackendKey, BackendValue> backends,
                                    AppliedTable<RevNatKey, RevNatValue> revNats,
                                    AppliedTable<SourceRangeKey, SourceRangeValue> sourceRanges,
                                    IntPredicate desiredServiceId) {
        return List.of(
                new Phase<>("backends", backends, PUT, (k, d) -> true, (k, v) -> Phase.FATAL),
                new Phase<>("service slots", services, PUT, (k, d) -> k.slot() > 0, (k, v) -> v.serviceId()),
                new Phase<>("reverse NAT", revNats, PUT, (k, d) -> true, (k, v) -> k.serviceId()),
                new Phase<>("source ranges", sourceRanges, PUT, (k, d) -> true, (k, v) -> k.serviceId()),
                new Phase<>("service headers", services, PUT, (k, d) -> k.slot() == 0, (k, v) -> v.serviceId()),
                // slots beyond a desired frontend's new count, once its header shrank
                new Phase<>("surplus slots", services, DELETE,
                        (k, d) -> k.slot() > 0 && d.containsKey(k.withSlot(0)), (k, v) -> v.serviceId()),
                // ranges a desired frontend dropped, once its header no longer counts on them
                new Phase<>("surplus source ranges", sourceRanges, DELETE,
                        (k, d) -> desiredServiceId.test(k.serviceId()), (k, v) -> k.serviceId()),
                new Phase<>("stale headers", services, PRUNE, (k, d) -> k.slot() == 0, (k, v) -> v.serviceId()),
                new Phase<>("stale slots", services, PRUNE, (k, d) -> k.slot() > 0, (k, v) -> v.serviceId()),
                new Phase<>("stale reverse NAT", revNats, PRUNE, (k, d) -> true, (k, v) -> k.serviceId()),
                new Phase<>("stale source ranges", sourceRanges, PRUNE, (k, d) -> true, (k, v) -> k.serviceId()),
                new Phase<>("stale backends", backends, PRUNE, (k, d) -> true, (k, v) -> Phase.FATAL));
    }
}
