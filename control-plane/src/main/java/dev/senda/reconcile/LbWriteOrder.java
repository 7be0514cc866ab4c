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
import dev.senda.reconcile.table.Step;

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
 * <p>Removals first: the entries of frontends nothing desires any more go before anything is added
 * (header, then its slots, reverse NAT and ranges), so a full map has the room deleted Services held
 * by the time the additions need it, in the same apply. Nothing reads a frontend's slots, reverse NAT
 * or ranges once its header is gone. Backends are the exception: a slot of a desired frontend may
 * still point at a backend nothing desires (its replacement's write failed, or is yet to come), so
 * a backend is pruned only once no slot in the maps points at it: those no slot points at after the
 * stale frontends went, before the additions; the others last, after the slots moved off them.
 *
 * <p>Source ranges: a header with {@code FLAG_SOURCE_RANGES} makes the datapath drop every source
 * outside the frontend's ranges, so the ranges go in before the header (a new range is allowed
 * before the header relies on it) and come out after it: ranges a desired frontend no longer has once
 * its header is written (while they change, the old and new ranges are briefly both allowed, never
 * neither), ranges of a removed frontend after its header was pruned.
 *
 * <p>Groups: a frontend's writes share its service id, so a failed slot or range keeps its header
 * from being written; a backend's write is its own group, which the slots pointing at it require, so
 * a backend that does not fit holds back the frontends that need it and nothing else.
 */
final class LbWriteOrder {
    private LbWriteOrder() {
    }

    /**
     * @param desiredServiceId     whether a service id belongs to a frontend of the desired state being
     *                             applied (its surplus ranges wait for its header; others are pruned)
     * @param referencedBackendId  whether a slot in the maps points at a backend id right now (asked
     *                             during the last phase, after every slot write of the apply)
     */
    static List<Step> phases(AppliedTable<ServiceKey, ServiceValue> services,
                                    AppliedTable<BackendKey, BackendValue> backends,
                                    AppliedTable<RevNatKey, RevNatValue> revNats,
                                    AppliedTable<SourceRangeKey, SourceRangeValue> sourceRanges,
                                    IntPredicate desiredServiceId, IntPredicate referencedBackendId) {
        return List.of(
                // frontends nothing desires: header first, so nothing reads the rest while it goes
                new Phase<>("stale headers", services, PRUNE, (k, d) -> k.slot() == 0, (k, v) -> v.serviceId()),
                new Phase<>("stale slots", services, PRUNE,
                        (k, d) -> k.slot() > 0 && !d.containsKey(k.withSlot(0)), (k, v) -> v.serviceId()),
                new Phase<>("stale reverse NAT", revNats, PRUNE, (k, d) -> true, (k, v) -> k.serviceId()),
                new Phase<>("stale source ranges", sourceRanges, PRUNE,
                        (k, d) -> !desiredServiceId.test(k.serviceId()), (k, v) -> k.serviceId()),
                // backends nothing desires or points at any more: room for the new ones
                new Phase<>("unreferenced backends", backends, PRUNE,
                        (k, d) -> !referencedBackendId.test(k.id()), (k, v) -> k),
                new Phase<>("backends", backends, PUT, (k, d) -> true, (k, v) -> k),
                // frontend by frontend, so a map that fills up part-way holds whole frontends
                new Step.Interleaved("frontends", List.of(
                        new Phase<>("service slots", services, PUT, (k, d) -> k.slot() > 0, (k, v) -> v.serviceId(),
                                (k, v) -> new BackendKey(k.family(), v.backendId())),
                        new Phase<>("reverse NAT", revNats, PUT, (k, d) -> true, (k, v) -> k.serviceId()),
                        new Phase<>("source ranges", sourceRanges, PUT, (k, d) -> true, (k, v) -> k.serviceId()),
                        new Phase<>("service headers", services, PUT, (k, d) -> k.slot() == 0, (k, v) -> v.serviceId()))),
                // slots beyond a desired frontend's new count, once its header shrank
                new Phase<>("surplus slots", services, DELETE,
                        (k, d) -> k.slot() > 0 && d.containsKey(k.withSlot(0)), (k, v) -> v.serviceId()),
                // ranges a desired frontend dropped, once its header no longer counts on them
                new Phase<>("surplus source ranges", sourceRanges, DELETE,
                        (k, d) -> desiredServiceId.test(k.serviceId()), (k, v) -> k.serviceId()),
                new Phase<>("stale backends", backends, PRUNE,
                        (k, d) -> !referencedBackendId.test(k.id()), (k, v) -> k));
    }
}
