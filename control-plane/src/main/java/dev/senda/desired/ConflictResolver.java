package dev.senda.desired;

import dev.senda.model.ObjectRef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fourth step of desired state: two Services that claim one frontend (same address, port,
 * protocol, scope; the address family is part of the address). The Service created first keeps all
 * its frontends; a later one that claims any frontend already held is rejected as a whole, in every
 * family, so that no Service is ever programmed with a part missing. Without timestamps (a directory
 * of YAML) the smaller namespace/name wins. A rejected Service claims nothing, so a third Service may
 * take the frontend it lost.
 *
 * <p>Node ports conflict on their number and protocol alone, whatever the node's addresses: two
 * Services on node port 30080/TCP collide on every node, and deciding it without the addresses
 * gives the same answer before and after this node's Node object is known.
 */
final class ConflictResolver {
    /** Oldest first; Services without a creation timestamp after all others; then namespace/name. */
    static final Comparator<ParsedService> PRECEDENCE = Comparator
            .comparing(ParsedService::creationTimestamp, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(ParsedService::ref);

    private ConflictResolver() {
    }

    /** A Service and every frontend it would have. */
    record Claim(ParsedService service, List<PlannedFrontend> frontends) {
        Claim {
            Objects.requireNonNull(service, "service");
            frontends = List.copyOf(frontends);
        }
    }

    /**
     * @param accepted   the claims that hold all their frontends, in {@link #PRECEDENCE} order; no two
     *                   share a frontend
     * @param rejections one per losing Service, naming the first frontend it lost and the holder
     */
    record Resolution(List<Claim> accepted, List<Rejection> rejections) {
        Resolution {
            accepted = List.copyOf(accepted);
            rejections = List.copyOf(rejections);
        }
    }

    static Resolution resolve(Collection<Claim> claims) {
        List<Claim> ordered = new ArrayList<>(claims);
        ordered.sort(Comparator.comparing(Claim::service, PRECEDENCE));
        Map<Frontend, ObjectRef> holders = new HashMap<>();
        Map<String, ObjectRef> nodePortHolders = new HashMap<>();
        List<Claim> accepted = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        for (Claim c : ordered) {
            ObjectRef me = c.service().ref();
            // Node ports first: their message does not depend on which node addresses are known.
            Rejection lost = lostNodePort(c.service(), nodePortHolders);
            for (PlannedFrontend pf : lost != null ? List.<PlannedFrontend>of() : c.frontends()) {
                ObjectRef holder = holders.get(pf.frontend());
                if (holder != null) {
                    lost = new Rejection(Rejection.SERVICE, me,
                            "frontend " + pf.frontend() + " is already used by Service " + holder);
                    break;
                }
            }
            if (lost != null) {
                rejections.add(lost);
                continue;
            }
            for (PlannedFrontend pf : c.frontends()) holders.put(pf.frontend(), me);
            c.service().external().nodePorts().forEach((p, n) -> nodePortHolders.put(n + "/" + p.proto(), me));
            accepted.add(c);
        }
        return new Resolution(accepted, rejections);
    }

    /** The rejection for the first node port of {@code svc} another Service holds; null when none. */
    private static Rejection lostNodePort(ParsedService svc, Map<String, ObjectRef> holders) {
        for (ParsedPort p : svc.ports()) {
            Integer n = svc.external().nodePorts().get(p);
            if (n == null) continue;
            ObjectRef holder = holders.get(n + "/" + p.proto());
            if (holder != null) {
                return new Rejection(Rejection.SERVICE, svc.ref(),
                        "node port " + n + "/" + p.proto() + " is already used by Service " + holder);
            }
        }
        return null;
    }
}
