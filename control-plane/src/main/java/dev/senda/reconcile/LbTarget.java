package dev.senda.reconcile;

import dev.senda.desired.DesiredFrontend;
import dev.senda.desired.Frontend;
import dev.senda.maps.lb.BackendKey;
import dev.senda.maps.lb.BackendValue;
import dev.senda.maps.lb.RevNatKey;
import dev.senda.maps.lb.RevNatValue;
import dev.senda.maps.lb.ServiceKey;
import dev.senda.maps.lb.ServiceValue;
import dev.senda.maps.lb.SourceRangeKey;
import dev.senda.maps.lb.SourceRangeValue;

import java.util.Map;

/**
 * Every entry the load-balancer maps should hold for one desired state, ids assigned: what
 * {@link LbReconciler}'s planning produces and its writes, bookkeeping and {@link LbSummary} read.
 * The maps are filled in frontend order (see the planning's comment) and not copied: the record
 * holds the planner's maps, which nobody changes after planning.
 *
 * @param services     header and slot entries, by key
 * @param backends     backend entries, by id
 * @param revNats      reverse-NAT entries, by service id and family
 * @param sourceRanges source-range entries (loadBalancerSourceRanges), by service id and prefix
 * @param frontends    the desired frontends that got ids, by frontend
 * @param refs         how many slots reference each backend id (counted while planning)
 */
record LbTarget(Map<ServiceKey, ServiceValue> services, Map<BackendKey, BackendValue> backends,
                Map<RevNatKey, RevNatValue> revNats, Map<SourceRangeKey, SourceRangeValue> sourceRanges,
                Map<Frontend, DesiredFrontend> frontends, BackendRefs refs) {
}
