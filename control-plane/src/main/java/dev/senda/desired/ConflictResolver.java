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
        List<Claim> accepted = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        for (Claim c : ordered) {
            ObjectRef me = c.service().ref();
            Rejection lost = null;
            for (PlannedFrontend pf : c.frontends()) {
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
            accepted.add(c);
        }
        return new Resolution(accepted, rejections);
    }
}
