package dev.senda.desired;

import java.util.List;

/**
 * Second step of desired state: the frontends one kind of Service address gives a Service. One
 * implementation per kind (cluster IPs today; node ports, load-balancer addresses and external IPs
 * are new implementations), chosen per Service type by {@link FrontendExpanders}.
 *
 * <p>Contract: pure; the same Service always gives the same frontends in the same order; a frontend
 * of family F uses the endpoints of family F only (the calculator feeds it so).
 */
sealed interface FrontendExpander permits ClusterIpExpander {
    List<PlannedFrontend> expand(ParsedService service);
}
